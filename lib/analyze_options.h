/* analyze_options.h - how one file is analysed: the options the header
 * checks (analyze.h) and the deep checks (deep/deep.h) both read. Kept
 * apart so that neither of the two headers needs the other.
 */
#ifndef QHARD_ANALYZE_OPTIONS_H
#define QHARD_ANALYZE_OPTIONS_H

#include <stdbool.h>
#include <stddef.h>

struct qh_analyze_options {
	bool deep; /* also run the capstone/libbfd checks (deep.h) */
	const char *debug_root; /* where to look for separate debug files;
				   NULL = /usr/lib/debug */
	size_t read_max; /* read files up to this size instead of mapping
			    them (see qh_elf_open_ex); 0 = always map */
};

#endif
