/* no-licence.c - a source file without its licence line, for the licence_spdx_catches test. */
