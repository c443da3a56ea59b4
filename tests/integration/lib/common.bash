# SPDX-License-Identifier: GPL-3.0-or-later
# common.bash - the head every integration test shares (sourced first: by the script itself,
# or by its area's lib, which sources it). Sourcing it again does nothing.
#
#   the stack's settings       $PP_STACK_DIR/stack.env (default /tmp/postprobe-stack)
#   the assertions             lib/expect.bash: run, check, finish, ...
#   PP_SOURCE_DIR              the source tree, when ctest did not say (run by hand)
[ -z "${PP_COMMON_SOURCED:-}" ] || return 0
PP_COMMON_SOURCED=1
# shellcheck disable=SC1091
. "${PP_STACK_DIR:-/tmp/postprobe-stack}/stack.env"
PP_SOURCE_DIR=${PP_SOURCE_DIR:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)}
# shellcheck source=lib/expect.bash
. "$(dirname "${BASH_SOURCE[0]}")/expect.bash"

# A script that set -e stops says where and why, instead of ending without a word.
pp_stopped() {
    [[ $- == *e* ]] || return 0
    printf 'FAIL %s stopped at line %s: %s (exit %s)\n' "$(basename "$0")" "$2" "$3" "$1"
}
trap 'pp_stopped $? $LINENO "$BASH_COMMAND"' ERR
