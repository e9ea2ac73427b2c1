/* rules_audit.c - rule metadata for the audit check ids (see rules.h).
 * One row per finding id: why it matters (help) and how to fix it; the
 * severity is SARIF's security-severity (>= 7 high, >= 4 medium, else low).
 * docs/qhard-audit.1.scd lists the same rows. */
#include "rules.h"

#define SEBOOL(name, what) \
	{ "sebool-" name, "sVirt boolean " name " is off", \
	  "The SELinux boolean " name " is on: it " what ", widening what a " \
	  "compromised QEMU (svirt_t) may touch beyond its own images.", \
	  "setsebool -P " name " off, unless this host needs it (then waive " \
	  "the finding with the reason).", "5.0" }

const struct qh_rule qh_rules_audit[] = {
	/* binaries and libraries */
	{ "setuid", "No setuid bit on QEMU executables and libraries",
	  "A setuid-root program runs with root's power for whoever starts it, "
	  "so any memory-safety bug in it is a local privilege escalation.",
	  "chmod u-s the file; if a helper really needs privilege, restrict it "
	  "(chmod 4750, group kvm) or use file capabilities instead.", "8.0" },
	{ "setgid", "No setgid bit on QEMU executables and libraries",
	  "A setgid program runs with its group's rights for every local user, "
	  "so a bug in it hands that group (often kvm or disk) to anyone.",
	  "chmod g-s the file.", "6.0" },
	{ "world-writable", "QEMU files and their directories not world-writable",
	  "Any local user can replace code that every VM (or every QEMU "
	  "process) runs, or swap the file inside a writable directory.",
	  "chmod o-w the file or directory (add the sticky bit to shared "
	  "directories) and reinstall the package to restore trusted content.",
	  "9.0" },
	{ "symlink-escape", "Symlinks stay inside the image root",
	  "A symlink in the image points outside the image root: the file it "
	  "stands for is not part of the image, and tools that follow it read "
	  "or run the host's file instead.",
	  "Make the link point inside the image (a relative path that does not "
	  "climb above /) or replace it with the intended file.", "7.0" },
	{ "library-missing", "Every DT_NEEDED library found in the root",
	  "A library the binary needs is not in the root's search path "
	  "(RUNPATH, ld.so.conf, default dirs): the loader will fail or load "
	  "something the audit could not vouch for.",
	  "Install the package that ships the library or fix the binary's "
	  "RUNPATH / the root's /etc/ld.so.conf.", "4.0" },
	{ "ldso-config", "ld.so.conf includes read once, without cycles",
	  "The root's /etc/ld.so.conf includes files that include each other "
	  "(a cycle), or nest or fan out beyond any real system: ldconfig "
	  "would loop or never finish, and the library search path the audit "
	  "used is only what one pass over each file gives.",
	  "Make each include line name files that include nothing back "
	  "(Debian: /etc/ld.so.conf includes /etc/ld.so.conf.d/*.conf, whose "
	  "files only list directories).", "4.0" },
	{ "devices-allowlist", "Only allow-listed devices compiled in",
	  "Every device model compiled into QEMU is guest-reachable attack "
	  "surface; devices beyond the allow-list are code the cloud never "
	  "offers but an attacker in a guest can still reach.",
	  "Build QEMU with only the profile's devices (qhard profile / qhard "
	  "build) or install a minimized build.", "6.0" },
	{ "script-wrapper", "QEMU executable is a script wrapper",
	  "The file is a script, not an ELF binary: it has no hardening of its "
	  "own and runs the program it names (audited separately).",
	  "Nothing to fix; make sure the program it executes is audited.",
	  "0.0" },
	/* mandatory access control */
	{ "selinux-mode", "SELinux enforcing (/etc/selinux/config)",
	  "sVirt gives each VM its own MCS category pair only when SELinux "
	  "enforces; permissive or disabled lets a compromised QEMU read and "
	  "write every other VM's images.",
	  "Set SELINUX=enforcing in /etc/selinux/config, relabel (touch "
	  "/.autorelabel) and reboot.", "7.0" },
	{ "selinux-enforce", "SELinux enforcing at run time",
	  "/sys/fs/selinux/enforce says the running kernel is permissive: "
	  "denials are logged but nothing is blocked, whatever the config says.",
	  "setenforce 1, and find who switched it off.", "7.0" },
	SEBOOL("virt_use_comm", "lets guests use the host's serial and parallel "
	       "communication ports"),
	SEBOOL("virt_use_fusefs", "lets guests read and write FUSE-mounted file "
	       "systems"),
	SEBOOL("virt_use_nfs", "lets guests read and write any NFS-mounted file, "
	       "not only their own images"),
	SEBOOL("virt_use_samba", "lets guests read and write any CIFS/Samba-"
	       "mounted file"),
	SEBOOL("virt_use_sanlock", "lets guests talk to the sanlock lock manager "
	       "and its lease files"),
	SEBOOL("virt_use_sysfs", "lets guests manage the host's device "
	       "configuration through sysfs (needed only for PCI passthrough)"),
	SEBOOL("virt_use_usb", "lets guests use the host's USB devices"),
	SEBOOL("virt_use_xserver", "lets guests talk to the X server, whose "
	       "input and display are shared with the host's users"),
	{ "apparmor-libvirt", "AppArmor profiles for libvirt's QEMU in enforce mode",
	  "On an AppArmor host, libvirt confines each QEMU with a per-VM profile "
	  "generated from /etc/apparmor.d/libvirt/TEMPLATE.qemu; without the "
	  "profiles, or in complain mode, QEMU runs unconfined.",
	  "Install the libvirt AppArmor profiles (usr.sbin.libvirtd, "
	  "libvirt/TEMPLATE.qemu) and remove flags=(complain).", "6.0" },
	{ "mac-confinement", "A MAC policy confines QEMU",
	  "Neither SELinux (enforcing) nor AppArmor profiles for libvirt "
	  "confine QEMU: a guest that escapes into QEMU gets everything the "
	  "QEMU user can reach, including other VMs' disks.",
	  "Enable SELinux in enforcing mode (sVirt) or AppArmor with libvirt's "
	  "profiles, and keep libvirt's security_driver on.", "8.0" },
	{ "svirt-label", "Each running QEMU has its own MCS label",
	  "A running QEMU process is not labelled svirt_t (or svirt_tcg_t) with "
	  "a category pair of its own, so SELinux does not separate it from "
	  "other VMs.",
	  "Start VMs through libvirt with security_driver = \"selinux\" and "
	  "dynamic labelling (<seclabel type='dynamic'/>).", "8.0" },
	{ "svirt-image-label", "Each running VM's images carry its own MCS pair",
	  "A disk image of a running VM is not labelled svirt_image_t with the "
	  "category pair of that VM's QEMU (read-only and shareable images: "
	  "no pair), or two VMs open it without <shareable/>: SELinux no longer "
	  "keeps the other VMs' QEMUs out of it, or keeps this one out.",
	  "Let libvirt label the images (security_driver = \"selinux\", "
	  "dynamic_ownership and relabelling on; never chcon them by hand), mark "
	  "disks really shared between VMs <shareable/>, and restart the VM.",
	  "8.0" },
	{ "svirt-stale-label", "Stopped VMs' images carry no VM's categories",
	  "A disk image of a stopped domain still carries an MCS category pair: "
	  "that of a running VM, whose QEMU can then read and write it, or one "
	  "left from an earlier run (libvirt restores the label on a clean "
	  "shutdown), open to the next VM given that pair.",
	  "Restore the default label (restorecon -v IMAGE gives virt_image_t:s0) "
	  "and find why libvirt did not (a crashed libvirtd, a copied image).",
	  "7.0" },
	/* libvirt qemu.conf */
	{ "libvirt-security-driver", "libvirt security_driver is not none",
	  "security_driver = \"none\" turns off sVirt/AppArmor labelling of "
	  "every VM, so one compromised QEMU can reach all others.",
	  "Remove the line or set security_driver = \"selinux\" (or "
	  "\"apparmor\") in /etc/libvirt/qemu.conf.", "9.0" },
	{ "libvirt-default-confined", "libvirt confines VMs by default",
	  "security_default_confined = 0 starts every VM without a security "
	  "label unless its XML asks for one.",
	  "Set security_default_confined = 1 (the default).", "7.0" },
	{ "libvirt-seccomp", "QEMU runs with a seccomp sandbox",
	  "seccomp_sandbox = 0 lets QEMU make every system call, so an escape "
	  "into QEMU can attack the whole kernel API.",
	  "Set seccomp_sandbox = 1 (the default) or remove the line.", "6.0" },
	{ "libvirt-user", "QEMU does not run as root",
	  "user = \"root\" runs every QEMU process as root: a guest escape "
	  "becomes host root.",
	  "Remove the line (the distribution's unprivileged user, e.g. "
	  "libvirt-qemu or qemu) or name an unprivileged user.", "8.0" },
	{ "libvirt-group", "QEMU does not run with group root",
	  "group = \"root\" gives every QEMU process root's group, which "
	  "owns many host files and devices.",
	  "Remove the line or name an unprivileged group (kvm, qemu).", "6.0" },
	{ "libvirt-dynamic-ownership", "libvirt manages image ownership",
	  "dynamic_ownership = 0 stops libvirt from giving each VM's images to "
	  "the QEMU user only while the VM runs; images are then left readable "
	  "by every QEMU or owned by hand.",
	  "Set dynamic_ownership = 1 (the default).", "4.0" },
	{ "libvirt-cgroup-devices", "libvirt uses the devices cgroup",
	  "cgroup_controllers without \"devices\" lets QEMU open any device "
	  "node its user can, not only the ones assigned to the VM.",
	  "Add \"devices\" to cgroup_controllers or remove the line.", "5.0" },
	{ "libvirt-namespaces", "QEMU runs in a private mount namespace",
	  "namespaces without \"mount\" lets QEMU see the host's whole /dev "
	  "instead of a private /dev with only the VM's devices.",
	  "Set namespaces = [ \"mount\" ] (the default) or remove the line.",
	  "5.0" },
	{ "libvirt-vnc-tls", "VNC on the network uses TLS",
	  "vnc_listen opens VNC consoles on a non-loopback address without "
	  "vnc_tls = 1: console traffic (keystrokes, passwords) crosses the "
	  "network in clear text.",
	  "Set vnc_tls = 1 with certificates, or keep vnc_listen on 127.0.0.1 "
	  "and tunnel.", "5.0" },
	{ "libvirt-spice-tls", "SPICE on the network uses TLS",
	  "spice_listen opens SPICE consoles on a non-loopback address without "
	  "spice_tls = 1: console traffic crosses the network in clear text.",
	  "Set spice_tls = 1 with certificates, or keep spice_listen on "
	  "127.0.0.1 and tunnel.", "5.0" },
	{ "libvirt-clear-caps", "QEMU drops its capabilities",
	  "clear_emulator_capabilities = 0 lets a QEMU started as root keep "
	  "all its capabilities.",
	  "Set clear_emulator_capabilities = 1 (the default).", "6.0" },
	/* host */
	{ "iommu", "IOMMU on when PCI devices are passed through",
	  "PCI passthrough is configured but the kernel command line does not "
	  "turn the IOMMU on: the device's DMA can read and write all host "
	  "memory, not only the guest's.",
	  "Add intel_iommu=on (Intel) or keep amd_iommu on (AMD) on the kernel "
	  "command line; iommu=pt is fine for host devices.", "8.0" },
	{ "kvm-device", "/dev/kvm restricted to root and the kvm group",
	  "/dev/kvm is the kernel's KVM interface: who can open it can create "
	  "VMs and reach KVM's ioctl attack surface in the kernel.",
	  "chown root:kvm /dev/kvm; chmod 0660 (udev rule KERNEL==\"kvm\", "
	  "GROUP=\"kvm\", MODE=\"0660\").", "4.0" },
	/* what virt-host-validate checks (audit_virt_host.c, audit_cgroups.c) */
	{ "kvm-hw-virt", "The CPU offers hardware virtualisation",
	  "/proc/cpuinfo shows no vmx (Intel VT-x) or svm (AMD-V) flag (sie on "
	  "s390x): KVM cannot run, so QEMU emulates guests with TCG, which the "
	  "QEMU project does not treat as a security boundary, and slowly.",
	  "Turn on VT-x / AMD-V (SVM) in the firmware setup; in a VM, enable "
	  "nested virtualisation on its host.", "7.0" },
	{ "kvm-available", "/dev/kvm present and open to QEMU's user",
	  "/dev/kvm is missing, or QEMU's user (qemu.conf user, else libvirt-qemu "
	  "or qemu) cannot open it read-write: guests run under TCG emulation, "
	  "which the QEMU project does not treat as a security boundary.",
	  "Load kvm_intel or kvm_amd (modprobe; check dmesg for \"disabled by "
	  "bios\"), and let QEMU's user open /dev/kvm (group kvm, mode 0660).",
	  "7.0" },
	{ "vhost-net", "/dev/vhost-net present",
	  "Without vhost-net, virtio-net's data path runs in QEMU instead of the "
	  "kernel: slower networking, no security loss.",
	  "modprobe vhost_net (and list it in /etc/modules-load.d).", "0.0" },
	{ "tun-device", "/dev/net/tun present",
	  "Without the TUN/TAP device QEMU cannot give guests tap network "
	  "interfaces (libvirt's bridged and NAT networks need it).",
	  "modprobe tun (and list it in /etc/modules-load.d).", "0.0" },
	{ "cgroup-controllers", "cgroup controllers for QEMU mounted",
	  "libvirt confines each QEMU with cgroup controllers: devices limits "
	  "the device nodes it may open, memory, cpu and blkio bound what one "
	  "guest can take from the others. A missing controller is a limit "
	  "libvirt silently cannot set.",
	  "Mount the cgroup v2 hierarchy with the controllers enabled "
	  "(systemd does by default: systemd.unified_cgroup_hierarchy=1) or, "
	  "on cgroup v1, mount the missing controllers; build the kernel with "
	  "them if they do not exist.", "5.0" },
	{ "iommu-hardware", "The firmware offers an IOMMU",
	  "There is no IOMMU description in the firmware's ACPI tables (DMAR on "
	  "Intel, IVRS on AMD): devices cannot be assigned to guests safely and "
	  "their DMA is not confined.",
	  "Turn on VT-d (Intel) or AMD-Vi / IOMMU (AMD) in the firmware setup.",
	  "4.0" },
	{ "iommu-kernel", "The kernel has enabled the IOMMU",
	  "The firmware describes an IOMMU but the kernel made no IOMMU groups "
	  "(/sys/kernel/iommu_groups is empty): it is not translating DMA, so "
	  "device assignment (VFIO) does not work and devices can reach all of "
	  "host memory.",
	  "Add intel_iommu=on (Intel; the default from Linux 6.2 with "
	  "CONFIG_INTEL_IOMMU_DEFAULT_ON) or remove amd_iommu=off / iommu=off "
	  "from the kernel command line, and reboot.", "4.0" },
	{ "secure-guest", "Memory-encrypted guests offered (AMD SEV, Intel TDX)",
	  "The host offers no confidential-computing guests: guest memory is "
	  "readable by the host kernel and by a compromised QEMU. The OpenStack "
	  "Security Guide names memory encryption next to sVirt.",
	  "On AMD EPYC: enable SEV (and SEV-ES/SNP) in the firmware and load "
	  "kvm_amd with sev=1; on Intel Xeon with TDX: enable it in the "
	  "firmware and load kvm_intel with tdx=1 (Linux 6.16+); on IBM Z: "
	  "prot_virt=1. Otherwise, waive it.", "2.0" },
	{ "userfaultfd", "Unprivileged userfaultfd disabled",
	  "vm.unprivileged_userfaultfd = 1 lets any user stall kernel copies "
	  "from user memory, a standard tool to win race conditions in kernel "
	  "exploits.",
	  "sysctl vm.unprivileged_userfaultfd=0 (in /etc/sysctl.d).", "5.0" },
	{ "ksm", "KSM page merging off",
	  "Kernel same-page merging shares identical pages between guests, a "
	  "known side channel (timing of copy-on-write) between VMs.",
	  "echo 0 > /sys/kernel/mm/ksm/run and disable ksm/ksmtuned services.",
	  "5.0" },
	{ 0 },
};
