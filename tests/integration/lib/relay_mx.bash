# relay_mx.bash - for the relay_mx_*.sh tests of check_relay_mx (sourced; sources
# common.bash).
#
#   P                          the plugin
#   S                          the stack's nsd as a -s argument (127.0.0.1:PORT)
#   Z R                        the test zone, the relay domain the stack's Postfix relays
# shellcheck disable=SC2034 # the variables are for the scripts that source this
# shellcheck source=lib/common.bash
. "$(dirname "${BASH_SOURCE[0]}")/common.bash"
P=$PP_BUILD_DIR/plugins/check_relay_mx
S=127.0.0.1:$PP_DNS_PORT
Z=$PP_DNS_ZONE
R=$PP_RELAY_DOMAIN
