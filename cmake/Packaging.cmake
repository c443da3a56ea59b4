# Packaging.cmake - a Debian package with CPack: `cpack -G DEB` in the build directory.
#
# Layout (CPACK_PACKAGING_INSTALL_PREFIX /usr): plugins in /usr/lib/nagios/plugins (where
# Debian's Nagios, Icinga 2 and NRPE look), contrib tools in /usr/bin, the nagios-cfg/
# examples in /usr/share/postprobe. Library dependencies come from dpkg-shlibdeps. The
# package description lists every plugin with the summary line of its nagios-cfg spec, and
# every contrib tool with the first line of its source's header comment.

# pp_header_summary(<file> <name> <out-var>): "NAME - text" from line 2 of a source's
# header comment (" * NAME - text"), for programs without a spec.
function(pp_header_summary file name out)
  file(STRINGS ${file} lines LIMIT_COUNT 3)
  list(GET lines 1 line)
  string(REGEX REPLACE "^ \\* ${name} - " "" line "${line}")
  set(${out} "${line}" PARENT_SCOPE)
endfunction()

# pp_wrap_item(<var> <name> <text>): appends "  name: text" to var, wrapped at 78 columns
# with the continuation lines indented (Debian descriptions are read at 80 columns).
function(pp_wrap_item var name item)
  string(REPLACE "\"" "" item "${item}")
  string(REPLACE ";" "," item "${item}")
  string(REPLACE " " ";" words "${item}")
  set(line "  ${name}:")
  set(out "${${var}}")
  foreach(w ${words})
    string(LENGTH "${line} ${w}" len)
    if(len GREATER 78)
      string(APPEND out "\n${line}")
      set(line "    ${w}")
    else()
      string(APPEND line " ${w}")
    endif()
  endforeach()
  string(APPEND out "\n${line}")
  set(${var} "${out}" PARENT_SCOPE)
endfunction()

function(pp_package_description out)
  set(desc "Nagios/Icinga plugins for Postfix mail servers: queue, address
verification, maps, SMTP/IMAP/POP3 logins, TLS certificates, relay MX setup and
snmpd extends, following the Nagios plugin guidelines (one status line,
perfdata, -w/-c ranges, a hard -t timeout).
.
Plugins (/usr/lib/nagios/plugins):")
  file(GLOB plugins ${PROJECT_SOURCE_DIR}/plugins/check_*.c)
  foreach(src ${plugins})
    get_filename_component(name ${src} NAME_WE)
    set(spec ${PROJECT_SOURCE_DIR}/nagios-cfg/spec/${name}.spec)
    set(summary "")
    if(EXISTS ${spec})
      file(STRINGS ${spec} summary REGEX "^summary[ \t]")
      string(REGEX REPLACE "^summary[ \t]+" "" summary "${summary}")
    else()
      pp_header_summary(${src} ${name} summary)
    endif()
    pp_wrap_item(desc ${name} "${summary}")
  endforeach()
  file(GLOB tools ${PROJECT_SOURCE_DIR}/contrib/*.c)
  if(tools)
    string(APPEND desc "\n.\nTools (/usr/bin):")
  endif()
  foreach(src ${tools})
    get_filename_component(name ${src} NAME_WE)
    pp_header_summary(${src} ${name} summary)
    pp_wrap_item(desc ${name} "${summary}")
  endforeach()
  string(APPEND desc "\n.\nNagios, Icinga 2, NRPE and snmpd configuration examples are in
/usr/share/postprobe (see its README.md).")
  set(${out} "${desc}" PARENT_SCOPE)
endfunction()

set(CPACK_PACKAGE_NAME postprobe)
set(CPACK_PACKAGE_VENDOR postprobe)
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "Nagios/Icinga plugins for Postfix mail servers")
pp_package_description(CPACK_PACKAGE_DESCRIPTION)
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_DEBIAN_PACKAGE_MAINTAINER "postprobe maintainers <postmaster@postprobe.invalid>"
    CACHE STRING "Maintainer field of the Debian package")
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION net)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS "postfix")
set(CPACK_DEBIAN_PACKAGE_SUGGESTS "nagios4-core | icinga2, nagios-nrpe-server, snmpd, sudo")
include(CPack)
