/* checksec.c - qhard checksec (placeholder until its issue lands). */
#include <stdio.h>

#include "commands.h"
#include "options.h"

static const struct qh_option options[] = { { 0 } };
static const struct qh_command_spec spec = {
	"checksec", "qhard checksec [options]", "not implemented yet", options, NULL,
};

static int on_option(int id, const char *arg, void *ctx)
{
	(void)id;
	(void)arg;
	(void)ctx;
	return 0;
}

int cmd_checksec(int argc, char **argv)
{
	int n = 0;
	int rc = qh_parse_options(argc, argv, &spec, on_option, NULL, &n);

	if (rc >= 0)
		return rc;
	fprintf(stderr, "qhard checksec: not implemented yet\n");
	return 2;
}
