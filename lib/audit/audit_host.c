/* audit_host.c - host settings around QEMU: IOMMU when PCI devices are
 * passed through, /dev/kvm's owner and mode, unprivileged userfaultfd and
 * KSM. Live values (/proc, /sys) win over configuration files. */
#include "audit_internal.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Where PCI passthrough is configured, or NULL. Caller frees. */
static char *passthrough(struct audit_ctx *c)
{
	char **names = NULL;
	size_t n = 0;
	char *where = NULL;

	if (qh_rootfs_list(c->fs, "/sys/bus/pci/drivers/vfio-pci", &names, &n, NULL) == 0) {
		for (size_t i = 0; i < n && !where; i++)
			if (strchr(names[i], ':')) {
				struct qh_buf b = QH_BUF_INIT;

				qh_buf_printf(&b, "vfio-pci bound device %s", names[i]);
				where = qh_buf_detach(&b);
			}
		qh_rootfs_names_free(names, n);
	}
	if (!where && qh_rootfs_glob(c->fs, "/etc/libvirt/qemu/*.xml", &names, &n, NULL) == 0) {
		for (size_t i = 0; i < n && !where; i++) {
			struct qh_buf b = QH_BUF_INIT;

			if (audit_read(c, names[i], &b) == 0) {
				char *h = strstr(b.data, "<hostdev");

				if (h && (strstr(h, "type='pci'") || strstr(h, "type=\"pci\""))) {
					struct qh_buf w = QH_BUF_INIT;

					qh_buf_printf(&w, "<hostdev type='pci'> in %s", names[i]);
					where = qh_buf_detach(&w);
				}
			}
			qh_buf_free(&b);
		}
		qh_rootfs_names_free(names, n);
	}
	return where;
}

/* The kernel command line: live, else the boot configuration. */
static char *cmdline(struct audit_ctx *c, const char **from)
{
	struct qh_buf b = QH_BUF_INIT;
	char *line = audit_read_line(c, "/proc/cmdline");
	char **entries;
	size_t n;

	if (line) {
		*from = "/proc/cmdline";
		return line;
	}
	if ((line = audit_read_line(c, "/etc/kernel/cmdline"))) {
		*from = "/etc/kernel/cmdline";
		return line;
	}
	if (audit_read(c, "/etc/default/grub", &b) == 0) {
		struct qh_buf all = QH_BUF_INIT;

		for (char *p = b.data, *e; p && *p; p = e ? e + 1 : NULL) {
			e = strchr(p, '\n');
			if (e)
				*e = '\0';
			p += strspn(p, " \t");
			if (strncmp(p, "GRUB_CMDLINE_LINUX", 18) == 0 && strchr(p, '='))
				qh_buf_printf(&all, "%s ", strchr(p, '=') + 1);
		}
		qh_buf_free(&b);
		if (all.len) {
			*from = "/etc/default/grub";
			return qh_buf_detach(&all);
		}
		qh_buf_free(&all);
	}
	if (qh_rootfs_glob(c->fs, "/boot/loader/entries/*.conf", &entries, &n, NULL) == 0) {
		for (size_t i = 0; i < n && !line; i++) {
			if (audit_read(c, entries[i], &b) == 0) {
				char *o = strstr(b.data, "\noptions");

				if (o || strncmp(b.data, "options", 7) == 0) {
					o = o ? o + 8 : b.data + 7;
					line = strndup(o, strcspn(o, "\n"));
					*from = "/boot/loader/entries";
				}
			}
		}
		qh_rootfs_names_free(entries, n);
	}
	qh_buf_free(&b);
	return line;
}

static bool has_token(const char *line, const char *tok)
{
	size_t n = strlen(tok);

	for (const char *p = line; (p = strstr(p, tok)); p += n)
		if ((p == line || isspace((unsigned char)p[-1]) || p[-1] == '"') &&
		    (p[n] == '\0' || isspace((unsigned char)p[n]) || p[n] == '"'))
			return true;
	return false;
}

static void iommu(struct audit_ctx *c)
{
	const char *from = NULL;
	char *pt = passthrough(c), *line = cmdline(c, &from);
	char **groups = NULL;
	size_t ngroups = 0;
	bool on, off;
	const char *note;

	on = line && (has_token(line, "intel_iommu=on") || has_token(line, "amd_iommu=on") ||
		      has_token(line, "amd_iommu=force_isolation"));
	off = line && (has_token(line, "intel_iommu=off") || has_token(line, "amd_iommu=off") ||
		       has_token(line, "iommu=off"));
	if (!on && !off &&
	    qh_rootfs_list(c->fs, "/sys/class/iommu", &groups, &ngroups, NULL) == 0) {
		on = ngroups > 0; /* the kernel enabled one by default */
		qh_rootfs_names_free(groups, ngroups);
	}
	note = line && has_token(line, "iommu=pt") ?
	       " (iommu=pt: host devices bypass translation; guests stay isolated)" : "";
	if (!pt)
		audit_check(c, "host", "iommu", QH_SKIP, from, from ? 1 : 0,
			    "no PCI passthrough configured; IOMMU %s%s",
			    on ? "on" : off ? "off" : "not requested", note);
	else
		audit_check(c, "host", "iommu", on && !off ? QH_PASS : QH_FAIL,
			    from, from ? 1 : 0, "%s; IOMMU %s on the kernel command line%s",
			    pt, on && !off ? "on" : off ? "turned off" : "not turned on", note);
	free(pt);
	free(line);
}

static void kvm_device(struct audit_ctx *c)
{
	struct stat st;
	char *grp;
	enum qh_status s = QH_PASS;
	unsigned mode;

	if (qh_rootfs_stat(c->fs, "/dev/kvm", QH_ROOTFS_NOFOLLOW, &st, NULL, NULL) != 0)
		return;
	grp = audit_group_name(c, st.st_gid);
	if (!grp) {
		c->oom = true;
		return;
	}
	mode = st.st_mode & 07777;
	if (st.st_uid != 0 || !S_ISCHR(st.st_mode) ||
	    ((mode & 0060) && strcmp(grp, "kvm") != 0 && strcmp(grp, "root") != 0))
		s = QH_FAIL;
	else if (mode & 0006)
		s = QH_WARN; /* what systemd ships; every user reaches KVM */
	audit_check(c, "host", "kvm-device", s, "/dev/kvm", 0,
		    "%s mode %04o owner uid %u group %s",
		    S_ISCHR(st.st_mode) ? "character device" : "not a character device",
		    mode, (unsigned)st.st_uid, grp);
	free(grp);
}

static void userfaultfd(struct audit_ctx *c)
{
	char *v = audit_read_line(c, "/proc/sys/vm/unprivileged_userfaultfd");
	char **files = NULL;
	size_t n = 0;

	if (v) {
		audit_check(c, "host", "userfaultfd", strcmp(v, "0") ? QH_FAIL : QH_PASS,
			    "/proc/sys/vm/unprivileged_userfaultfd", 1,
			    "vm.unprivileged_userfaultfd = %s", v);
		free(v);
		return;
	}
	/* not live: the sysctl files, later ones win */
	{
		const char *globs[] = { "/usr/lib/sysctl.d/*.conf", "/etc/sysctl.d/*.conf" };
		const char *hit = NULL;
		char *hitfile = NULL, val[16] = "";
		unsigned hitline = 0;

		for (size_t g = 0; g <= QH_ARRAY_LEN(globs); g++) {
			if (g < QH_ARRAY_LEN(globs)) {
				if (qh_rootfs_glob(c->fs, globs[g], &files, &n, NULL) != 0)
					continue;
			} else {
				files = calloc(1, sizeof(char *));
				if (!files)
					break;
				files[0] = qh_strdup("/etc/sysctl.conf");
				n = files[0] ? 1 : 0;
			}
			for (size_t i = 0; i < n; i++) {
				struct qh_buf b = QH_BUF_INIT;
				unsigned line = 0;

				if (audit_read(c, files[i], &b) == 0)
					for (char *p = b.data, *e; p && *p; p = e ? e + 1 : NULL) {
						char *k;

						e = strchr(p, '\n');
						if (e)
							*e = '\0';
						line++;
						k = p + strspn(p, " \t-");
						if (strncmp(k, "vm.unprivileged_userfaultfd", 27) &&
						    strncmp(k, "vm/unprivileged_userfaultfd", 27))
							continue;
						k = strchr(k, '=');
						if (!k)
							continue;
						k += 1 + strspn(k + 1, " \t");
						snprintf(val, sizeof(val), "%.*s", (int)strcspn(k, " \t#"), k);
						free(hitfile);
						hitfile = qh_strdup(files[i]);
						hitline = line;
						hit = val;
					}
				qh_buf_free(&b);
			}
			qh_rootfs_names_free(files, n);
			files = NULL;
			n = 0;
		}
		if (hit)
			audit_check(c, "host", "userfaultfd", strcmp(val, "0") ? QH_FAIL : QH_PASS,
				    hitfile, hitline, "vm.unprivileged_userfaultfd = %s", val);
		free(hitfile);
	}
}

static void ksm(struct audit_ctx *c)
{
	char *v = audit_read_line(c, "/sys/kernel/mm/ksm/run");

	if (!v)
		return;
	audit_check(c, "host", "ksm", strcmp(v, "1") == 0 ? QH_FAIL : QH_PASS,
		    "/sys/kernel/mm/ksm/run", 1, "ksm/run = %s (%s)", v,
		    strcmp(v, "1") == 0 ? "merging" : "not merging");
	free(v);
}

void audit_host(struct audit_ctx *c)
{
	iommu(c);
	kvm_device(c);
	userfaultfd(c);
	ksm(c);
}
