/* datadir.c - the tool binary's built-in data dir (datapath.h): the build
 * tree's share/qhard for build/qhard, DATADIR for the installed qhard, set
 * by the Makefile like the module dir (modules.c). Linked into the tool
 * only; libqhard.a has lib/datadir_static.c. */
#include "datapath.h"

#ifndef QHARD_TOOL_DATADIR
#error "QHARD_TOOL_DATADIR is set by the Makefile"
#endif

const char *qh_data_builtin_dir(void)
{
	return QHARD_TOOL_DATADIR;
}
