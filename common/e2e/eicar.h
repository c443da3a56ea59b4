/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	eicar - the EICAR anti-virus test file, put together at run time
 * SYNOPSIS
 *	void pp_eicar(char out[PP_EICAR_LEN + 1]);
 * DESCRIPTION
 *	The EICAR test file is 68 printable bytes that every anti-virus reports as a virus
 *	(it is not one). Kept as it is in a source file or a binary, the scanner of the
 *	machine that builds or runs the plugin would quarantine that file; so the bytes are
 *	stored masked and pp_eicar() unmasks them into out (NUL-terminated). Callers should
 *	wipe out when done with it.
 */
#ifndef PP_EICAR_H
#define PP_EICAR_H

#define PP_EICAR_LEN 68

void pp_eicar(char out[PP_EICAR_LEN + 1]);

#endif
