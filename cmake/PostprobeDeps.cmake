# SPDX-License-Identifier: GPL-3.0-or-later
# PostprobeDeps.cmake - find every library postprobe links, and name the Debian package to
# install when one is missing (tests/env/install-deps.sh installs them all).
find_package(PkgConfig)
if(NOT PKG_CONFIG_FOUND)
  message(FATAL_ERROR "pkg-config not found: apt-get install pkg-config")
endif()

# pp_require_pkg(<prefix> <pkg-config module> <Debian package>)
function(pp_require_pkg prefix module debpkg)
  pkg_check_modules(${prefix} QUIET IMPORTED_TARGET GLOBAL ${module})
  if(NOT ${prefix}_FOUND)
    message(FATAL_ERROR "${module} not found: apt-get install ${debpkg}")
  endif()
endfunction()

pp_require_pkg(PCRE2 libpcre2-8 libpcre2-dev)
pp_require_pkg(OPENSSL openssl libssl-dev)
pp_require_pkg(LMDB lmdb liblmdb-dev)
pp_require_pkg(ZLIB zlib zlib1g-dev)
pp_require_pkg(ICU icu-uc libicu-dev) # Postfix's own case folding of UTF-8 table keys
# GNU libidn: stringprep's SASLprep profile (RFC 4013) with its Unicode 3.2 tables, for SCRAM.
pp_require_pkg(IDN libidn libidn-dev)
# sd-journal: Postfix's log where Debian 12 keeps it by default (no syslog daemon).
pp_require_pkg(SYSTEMD libsystemd libsystemd-dev)
# HTTPS with PKIX checks, no redirects and size limits (MTA-STS policies, OCSP responders);
# only the programs that call common/tls/httpsget link it (--as-needed).
pp_require_pkg(CURL libcurl libcurl4-openssl-dev)
if(BUILD_TESTING)
  pp_require_pkg(CMOCKA cmocka libcmocka-dev)
endif()

# Berkeley DB and net-snmp ship no pkg-config file.
find_path(BDB_INCLUDE_DIR db.h)
find_library(BDB_LIBRARY db)
if(NOT BDB_INCLUDE_DIR OR NOT BDB_LIBRARY)
  message(FATAL_ERROR "Berkeley DB (db.h, libdb) not found: apt-get install libdb-dev")
endif()
add_library(pp::bdb INTERFACE IMPORTED GLOBAL)
target_include_directories(pp::bdb INTERFACE ${BDB_INCLUDE_DIR})
target_link_libraries(pp::bdb INTERFACE ${BDB_LIBRARY})

find_path(NETSNMP_INCLUDE_DIR net-snmp/net-snmp-config.h)
find_library(NETSNMP_LIBRARY netsnmp)
if(NOT NETSNMP_INCLUDE_DIR OR NOT NETSNMP_LIBRARY)
  message(FATAL_ERROR "net-snmp not found: apt-get install libsnmp-dev")
endif()
add_library(pp::netsnmp INTERFACE IMPORTED GLOBAL)
target_include_directories(pp::netsnmp INTERFACE ${NETSNMP_INCLUDE_DIR})
target_link_libraries(pp::netsnmp INTERFACE ${NETSNMP_LIBRARY})

# libunbound: DNSSEC validation of the TLSA and MX answers DANE relies on. Its pkg-config file
# names libevent and nettle as private requirements whose -dev packages Debian does not pull
# in: found directly, as the shared library needs neither at link time.
find_path(UNBOUND_INCLUDE_DIR unbound.h)
find_library(UNBOUND_LIBRARY unbound)
if(NOT UNBOUND_INCLUDE_DIR OR NOT UNBOUND_LIBRARY)
  message(FATAL_ERROR "libunbound (unbound.h, libunbound) not found: apt-get install libunbound-dev")
endif()
add_library(pp::unbound INTERFACE IMPORTED GLOBAL)
target_include_directories(pp::unbound INTERFACE ${UNBOUND_INCLUDE_DIR})
target_link_libraries(pp::unbound INTERFACE ${UNBOUND_LIBRARY})
