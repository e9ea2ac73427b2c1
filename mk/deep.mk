# deep.mk - libraries for the deep checks (lib/deep*.c): capstone for
# disassembly, libdw for .eh_frame FDEs and DW_AT_producer, libbfd for
# file:line (bfd_find_nearest_line). Debian's libbfd.so is a shared library
# that carries its own -lz/-lzstd/-lsframe dependencies, so -lbfd suffices.
LIBS_PKG += capstone libdw
LIBS_EXTRA += -lbfd
