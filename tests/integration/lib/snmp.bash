# SPDX-License-Identifier: GPL-3.0-or-later
# snmp.bash - for the snmp_extend_v*.sh tests of check_snmp_extend against the stack's snmpd
# (sourced; sources common.bash). MIBS and MIBDIRS are unset: the plugin must be quiet on
# its own.
#
#   P                          the plugin
#   SCRIPTS                    the directory of the extends' scripts (pp_ok.sh, ...)
#   AGENT                      -H and -p of the stack's snmpd
# shellcheck disable=SC2034 # the variables are for the scripts that source this
# shellcheck source=lib/common.bash
. "$(dirname "${BASH_SOURCE[0]}")/common.bash"
P=$PP_BUILD_DIR/plugins/check_snmp_extend
SCRIPTS=$PP_STACK_DIR/snmpd
AGENT=(-H 127.0.0.1 -p "$PP_SNMP_PORT")
unset MIBS MIBDIRS
