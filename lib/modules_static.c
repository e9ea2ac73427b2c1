/* modules_static.c - qh_module_need() when deep*.c and pkg/pkg.c are
 * linked in (libqhard.a users: unit tests, fuzzers): nothing to load. The
 * tool binary links lib/dl/modules.c instead (see modules.h). */
#include "modules.h"

int qh_module_need(const char *name, struct qh_error *err)
{
	(void)name;
	(void)err;
	return 0;
}
