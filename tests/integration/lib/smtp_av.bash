# SPDX-License-Identifier: GPL-3.0-or-later
# smtp_av.bash - for the smtp_av_*.sh tests of check_smtp_av (sourced; sources
# mailprobe.bash, and so common.bash).
#
#   P                          the plugin
#   ALICE BOX                  the recipient of the test mail and her Maildir
#   ADDRS                      --from (bob) and --to (alice)
#   IMAP                       where and as whom the plugin looks for the delivered mail
# shellcheck disable=SC2034 # the variables are for the scripts that source this
# shellcheck source=lib/mailprobe.bash
. "$(dirname "${BASH_SOURCE[0]}")/mailprobe.bash"
P=$PP_BUILD_DIR/plugins/check_smtp_av
ALICE=$PP_ALICE_USER
BOX=$PP_ALICE_MAILDIR
ADDRS=(--from "$PP_BOB_USER" --to "$ALICE")
IMAP=(--imap-port "$PP_IMAP_PORT" --imap-authfile "$PP_ALICE_AUTHFILE" --cafile "$PP_CA_CERT")
