/* datadir_static.c - qh_data_builtin_dir() for libqhard.a's users other
 * than the tool (unit tests, fuzzers): DATADIR. The tool binary links
 * lib/dl/datadir.c instead, built once for the build tree and once for
 * the installed binary (see datapath.h). */
#include "datapath.h"

#ifndef QHARD_DATADIR
#error "QHARD_DATADIR is set by the Makefile"
#endif

const char *qh_data_builtin_dir(void)
{
	return QHARD_DATADIR;
}
