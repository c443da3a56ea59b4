# demo-plugins.sh - the plugin runs of tests/demo.sh (sourced; uses its run function).
# demo_stack runs against the loopback stack (stack.env is loaded); demo_system against the
# machine's own Postfix, read-only.

demo_stack() {
    :
}

demo_system() {
    :
}
