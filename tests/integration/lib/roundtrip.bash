# SPDX-License-Identifier: GPL-3.0-or-later
# roundtrip.bash - for the roundtrip_*.sh tests of check_mail_roundtrip (sourced; sources
# mailprobe.bash, and so common.bash).
#
#   P                          the plugin
#   ALICE BOX                  the address the probes go to and come from, her Maildir
# shellcheck disable=SC2034 # the variables are for the scripts that source this
# shellcheck source=lib/mailprobe.bash
. "$(dirname "${BASH_SOURCE[0]}")/mailprobe.bash"
P=$PP_BUILD_DIR/plugins/check_mail_roundtrip
ALICE=$PP_ALICE_USER
BOX=$PP_ALICE_MAILDIR
