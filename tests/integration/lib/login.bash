# SPDX-License-Identifier: GPL-3.0-or-later
# login.bash - helpers for the login_*.sh and tlscert_*.sh tests (sourced; sources
# common.bash; after hostile.bash when that is used too: its servers are stopped too).
#
#   WORK                       a scratch directory, removed on exit with every server started
#   first_has TEXT             condition: the first output line contains TEXT
#   perf_has LABEL             condition: the perfdata holds LABEL=
#   free_port N                a loopback TCP port (the stack's SMTP port + 800 + N, or the next
#                              free one 20 further on)
#   tls_server PORT CERT KEY [ARGS...]
#                              starts `openssl s_server` on 127.0.0.1:PORT with CERT and KEY
#   stop_servers               stops what tls_server started
#   ca_config DIR [SERIAL]     an openssl ca database and DIR/ca.cnf
#   ca_init DIR                a root CA and an intermediate CA under DIR, usable by leaf
#   leaf DIR NAME [OPTS...]    a certificate for NAME signed by the intermediate (openssl ca):
#                              --san LIST, --start YYMMDDHHMMSSZ, --end YYMMDDHHMMSSZ,
#                              --days N, --md sha1, --bits 1024, --self (self-signed),
#                              --ext LINE (one more extension line, repeatable)
#                              writes DIR/NAME.crt, DIR/NAME.key
# shellcheck source=lib/common.bash
. "$(dirname "${BASH_SOURCE[0]}")/common.bash"
WORK=$(mktemp -d /tmp/pp-login-test.XXXXXX)
SERVER_PIDS=()

stop_servers() {
    local p
    for p in "${SERVER_PIDS[@]}"; do
        kill "$p" 2>/dev/null || true
        wait "$p" 2>/dev/null || true
    done
    SERVER_PIDS=()
}
cleanup_login() {
    stop_servers
    ! declare -F hostile_down >/dev/null || hostile_down
    rm -rf "$WORK"
}
trap cleanup_login EXIT

first_has() { [[ ${OUT%%$'\n'*} == *"$1"* ]]; }
perf_has() { [[ ${OUT%%$'\n'*} == *"| "*"$1="* || ${OUT%%$'\n'*} == *" $1="* ]]; }

free_port() {
    local p=$((PP_SMTP_PORT + 800 + $1))
    while [ -n "$(ss -Hlnt "sport = :$p" 2>/dev/null)" ]; do p=$((p + 20)); done
    echo "$p"
}

wait_listening() {
    local port=$1 i
    for ((i = 0; i < 100; i++)); do
        [ -n "$(ss -Hlnt "sport = :$port" 2>/dev/null)" ] && return 0
        sleep 0.05
    done
    echo "nothing listens on $port" >&2
    return 1
}

tls_server() {
    local port=$1 cert=$2 key=$3
    shift 3
    openssl s_server -accept "127.0.0.1:$port" -cert "$cert" -key "$key" -quiet -naccept 100 \
        "$@" </dev/null >"$WORK/s_server.$port.log" 2>&1 &
    SERVER_PIDS+=($!)
    wait_listening "$port"
}

# ca_config DIR [SERIAL]: an openssl ca database and DIR/ca.cnf (any subject, sha256).
ca_config() {
    local d=$1
    mkdir -p "$d/db"
    : >"$d/db/index.txt"
    echo "${2:-1000}" >"$d/db/serial"
    cat >"$d/ca.cnf" <<EOF
[ ca ]
default_ca = ppca
[ ppca ]
dir = $d/db
database = \$dir/index.txt
serial = \$dir/serial
new_certs_dir = \$dir
default_md = sha256
policy = anything
unique_subject = no
copy_extensions = none
[ anything ]
commonName = supplied
EOF
}

ca_init() {
    local d=$1
    ca_config "$d"
    openssl req -x509 -newkey rsa:2048 -nodes -days 365 -subj "/CN=pp test root" \
        -keyout "$d/root.key" -out "$d/root.crt" \
        -addext "basicConstraints=critical,CA:TRUE" \
        -addext "keyUsage=critical,keyCertSign,cRLSign" 2>/dev/null
    openssl req -newkey rsa:2048 -nodes -subj "/CN=pp test intermediate" \
        -keyout "$d/inter.key" -out "$d/inter.csr" 2>/dev/null
    printf 'basicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign,cRLSign\n' \
        >"$d/inter.ext"
    openssl x509 -req -in "$d/inter.csr" -CA "$d/root.crt" -CAkey "$d/root.key" \
        -CAcreateserial -days 365 -sha256 -extfile "$d/inter.ext" -out "$d/inter.crt" 2>/dev/null
}

leaf() {
    local d=$1 name=$2 san="DNS:$2" start="" end="" days=90 md=sha256 bits=2048 self="" ext=""
    shift 2
    while [ $# -gt 0 ]; do
        case $1 in
            --san) san=$2; shift 2 ;;
            --start) start=$2; shift 2 ;;
            --end) end=$2; shift 2 ;;
            --days) days=$2; shift 2 ;;
            --md) md=$2; shift 2 ;;
            --bits) bits=$2; shift 2 ;;
            --self) self=1; shift ;;
            --ext) ext+="$2"$'\n'; shift 2 ;;
            *) echo "leaf: unknown option $1" >&2; return 1 ;;
        esac
    done
    printf 'basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\n'\
'extendedKeyUsage=serverAuth\nsubjectAltName=%s\n%s' "$san" "$ext" >"$d/$name.ext"
    if [ -n "$self" ]; then
        openssl req -x509 -newkey "rsa:$bits" -nodes -days "$days" "-$md" -subj "/CN=$name" \
            -keyout "$d/$name.key" -out "$d/$name.crt" -addext "subjectAltName=$san" 2>/dev/null
        return
    fi
    openssl req -newkey "rsa:$bits" -nodes -subj "/CN=$name" -keyout "$d/$name.key" \
        -out "$d/$name.csr" 2>/dev/null
    local dates=(-days "$days")
    [ -n "$start" ] && dates=(-startdate "$start" -enddate "$end")
    openssl ca -batch -notext -config "$d/ca.cnf" -cert "$d/inter.crt" -keyfile "$d/inter.key" \
        -md "$md" "${dates[@]}" -extfile "$d/$name.ext" -in "$d/$name.csr" \
        -out "$d/$name.crt" 2>"$d/$name.err" || { cat "$d/$name.err" >&2; return 1; }
}

# utc OFFSET: a time for openssl ca -startdate/-enddate, OFFSET like "-3 days" or "+2 days".
utc() { date -u -d "$1" +%y%m%d%H%M%SZ; }
