/* audit_cpuinfo.c - what the running kernel's /proc/cpuinfo says about
 * hardware virtualisation. The architecture is told by the file's own
 * layout (x86 has "flags", s390 "features" and "facilities", POWER a "cpu"
 * line naming the POWER model, arm64 "Features"), so a test tree can stand
 * in for any machine. */
#include "audit_internal.h"

#include <ctype.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

/* Tokens that matter, by the line that carries them. */
static const struct {
	const char *key;
	const char *token;
	size_t offset; /* bool in struct audit_cpu */
} tokens[] = {
	{ "flags", "vmx", offsetof(struct audit_cpu, vmx) },
	{ "flags", "svm", offsetof(struct audit_cpu, svm) },
	{ "flags", "sev", offsetof(struct audit_cpu, sev) },
	{ "features", "sie", offsetof(struct audit_cpu, sie) },
	{ "facilities", "158", offsetof(struct audit_cpu, fac158) },
};

static bool has_word(const char *list, const char *w)
{
	size_t n = strlen(w);

	for (const char *p = list; (p = strstr(p, w)); p += n)
		if ((p == list || isspace((unsigned char)p[-1])) &&
		    (p[n] == '\0' || isspace((unsigned char)p[n])))
			return true;
	return false;
}

static void line(struct audit_cpu *cpu, char *key, char *value)
{
	for (size_t i = 0; i < QH_ARRAY_LEN(tokens); i++)
		if (strcmp(key, tokens[i].key) == 0 && has_word(value, tokens[i].token))
			*(bool *)((char *)cpu + tokens[i].offset) = true;
	if (strcmp(key, "flags") == 0)
		cpu->arch = AUDIT_CPU_X86;
	else if ((strcmp(key, "features") == 0 || strcmp(key, "facilities") == 0))
		cpu->arch = AUDIT_CPU_S390;
	else if (strcmp(key, "cpu") == 0 && strncmp(value, "POWER", 5) == 0)
		cpu->arch = AUDIT_CPU_PPC64;
	else if (strcmp(key, "Features") == 0 && cpu->arch == AUDIT_CPU_UNKNOWN)
		cpu->arch = AUDIT_CPU_ARM64;
	else if (strcmp(key, "vendor_id") == 0 && !cpu->vendor[0])
		snprintf(cpu->vendor, sizeof(cpu->vendor), "%s", value);
}

int audit_cpu_read(struct audit_ctx *c, struct audit_cpu *cpu,
		   struct qh_error *err)
{
	struct qh_buf b = QH_BUF_INIT;
	int rc;

	memset(cpu, 0, sizeof(*cpu));
	rc = qh_rootfs_read(c->fs, "/proc/cpuinfo", AUDIT_MAX_CONFIG, &b, err);
	if (rc == 0)
		for (char *p = b.data, *e; p && *p; p = e ? e + 1 : NULL) {
			char *colon, *k, *v;

			e = strchr(p, '\n');
			if (e)
				*e = '\0';
			colon = strchr(p, ':');
			if (!colon)
				continue;
			*colon = '\0';
			k = p;
			for (char *t = colon; t > k && isspace((unsigned char)t[-1]); )
				*--t = '\0';
			v = colon + 1 + strspn(colon + 1, " \t");
			line(cpu, k, v);
		}
	qh_buf_free(&b);
	return rc;
}

const char *audit_cpu_arch_name(const struct audit_cpu *cpu)
{
	static const char *const names[] = {
		[AUDIT_CPU_UNKNOWN] = "an unknown architecture",
		[AUDIT_CPU_X86] = "x86", [AUDIT_CPU_S390] = "s390x",
		[AUDIT_CPU_PPC64] = "POWER", [AUDIT_CPU_ARM64] = "arm64",
	};

	return names[cpu->arch];
}
