# Cross-build for armhf (ARMv7 hard-float: Cerbo GX, Raspberry Pi 2+ and other Venus OS
# devices) with Debian's cross toolchain (crossbuild-essential-armhf) and the armhf -dev
# packages installed through multiarch (libspdlog-dev:armhf ...). tools/setup-armhf
# installs all of it; tools/build-armhf uses this file:
#   cmake -S . -B build-armhf -DCMAKE_TOOLCHAIN_FILE=cmake/toolchain-armhf.cmake
#
# Multiarch has no separate sysroot: armhf libraries live in /usr/lib/arm-linux-gnueabihf
# beside the build machine's, headers are shared in /usr/include. So the search root stays
# "/" and CMAKE_LIBRARY_ARCHITECTURE steers find_package/find_library to the armhf
# directories; pkg-config is pointed at the armhf .pc files only.

set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR armv7l)

set(BMS_ARMHF_TRIPLET arm-linux-gnueabihf)
set(CMAKE_C_COMPILER ${BMS_ARMHF_TRIPLET}-gcc)
set(CMAKE_CXX_COMPILER ${BMS_ARMHF_TRIPLET}-g++)
set(CMAKE_LIBRARY_ARCHITECTURE ${BMS_ARMHF_TRIPLET})

# Programs (code generators, pkg-config) run on the build machine; libraries, headers and
# CMake package files must be the armhf ones. The x86_64 multiarch directory is never searched
# because CMAKE_LIBRARY_ARCHITECTURE names the armhf one, and lib64 does not exist on armhf.
set(CMAKE_FIND_ROOT_PATH /)
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)
set(CMAKE_FIND_USE_SYSTEM_PACKAGE_REGISTRY OFF)
set(FIND_LIBRARY_USE_LIB64_PATHS OFF)

# pkg-config: only the armhf .pc files (plus arch-independent ones), never the host's.
set(ENV{PKG_CONFIG_LIBDIR} "/usr/lib/${BMS_ARMHF_TRIPLET}/pkgconfig:/usr/share/pkgconfig")
set(ENV{PKG_CONFIG_PATH} "")

# Running armhf programs at build time (try_run, test discovery) goes through qemu-user;
# it finds the armhf loader and libraries in the multiarch directories of this machine.
find_program(BMS_QEMU_ARM qemu-arm)
if(BMS_QEMU_ARM)
  set(CMAKE_CROSSCOMPILING_EMULATOR ${BMS_QEMU_ARM})
endif()
