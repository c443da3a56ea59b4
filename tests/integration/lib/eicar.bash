# SPDX-License-Identifier: GPL-3.0-or-later
# eicar.bash - the EICAR test file for the scripts that look for it (sourced, not a test
# itself; needs nothing else).
#
#   eicar                      prints the EICAR test file (68 bytes, no newline)
#   eicar_holders DIR...       the files under the DIRs that hold it, plain or as the first
#                              line of its base64 form (as a MIME part carries it)
#
# The bytes come from octal escapes in two halves, so that no file, this one included, holds
# the signature an anti-virus looks for.
eicar() {
    printf '\130\065\117\041\120\045\100\101\120\133\064\134\120\132\130\065\064\050\120\136'
    printf '\051\067\103\103\051\067\175\044'
    printf '\105\111\103\101\122\055\123\124\101\116\104\101'
    printf '\122\104\055\101\116\124\111\126\111\122\125\123\055\124\105\123\124\055\106\111'
    printf '\114\105\041\044\110\053\110\052'
}

eicar_holders() {
    local sig b64
    sig=$(eicar)
    b64=$(eicar | base64 -w 76 | head -n 1)
    grep -rlaF -e "$sig" -e "$b64" "$@" 2>/dev/null || true
}
