# SPDX-License-Identifier: GPL-3.0-or-later
# Hardening.cmake - the hardening Debian's dpkg-buildflags gives (hardening=+all), by default
# for every build: stack protector, fortified libc calls (optimised builds: glibc warns, and
# -Werror fails, without optimisation), position-independent executables, read-only
# relocations bound at start-up. -DPOSTPROBE_HARDENING=OFF leaves the flags to the caller;
# flags the caller already sets (a Debian build's CFLAGS) are not set twice.
option(POSTPROBE_HARDENING "Build with stack protector, _FORTIFY_SOURCE, PIE, relro and now" ON)
if(NOT POSTPROBE_HARDENING)
  return()
endif()

include(CheckPIESupported)
check_pie_supported()
set(CMAKE_POSITION_INDEPENDENT_CODE ON)

if(NOT CMAKE_C_FLAGS MATCHES "-fstack-protector")
  add_compile_options(-fstack-protector-strong)
endif()
# Not with the sanitizers: ASan checks those calls itself, and the two disagree.
if(NOT POSTPROBE_SANITIZE AND NOT "${CMAKE_C_FLAGS} ${CMAKE_CPP_FLAGS}" MATCHES "_FORTIFY_SOURCE")
  add_compile_options($<$<NOT:$<CONFIG:Debug>>:-D_FORTIFY_SOURCE=2>)
endif()
if(NOT CMAKE_EXE_LINKER_FLAGS MATCHES "-z,now")
  add_link_options(-Wl,-z,relro -Wl,-z,now)
endif()
