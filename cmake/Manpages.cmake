# SPDX-License-Identifier: GPL-3.0-or-later
# Manpages.cmake - a manual page (help2man) and a bash completion (completion.sh) for every
# program, both made from the program's --help, which its options table prints: one source of
# truth. Installed in man1 and in bash-completion's completions directory.
option(POSTPROBE_MANPAGES "Make manual pages (help2man) and bash completions" ON)
if(NOT POSTPROBE_MANPAGES)
  return()
endif()
find_program(HELP2MAN help2man)
if(NOT HELP2MAN)
  message(FATAL_ERROR "help2man not found: apt-get install help2man (or -DPOSTPROBE_MANPAGES=OFF)")
endif()

# pp_summary(<name> <out-var>): the one-line summary of a program: its nagios-cfg spec's
# "summary" line, else the " * NAME - text" line of its source's header comment.
function(pp_summary name out)
  set(spec ${PROJECT_SOURCE_DIR}/nagios-cfg/spec/${name}.spec)
  if(EXISTS ${spec})
    file(STRINGS ${spec} line REGEX "^summary[ \t]")
    string(REGEX REPLACE "^summary[ \t]+" "" line "${line}")
  else()
    file(GLOB src ${PROJECT_SOURCE_DIR}/contrib/${name}.c ${PROJECT_SOURCE_DIR}/plugins/${name}.c)
    file(STRINGS ${src} line LIMIT_COUNT 1 REGEX "^ \\* ${name} - ")
    string(REGEX REPLACE "^ \\* ${name} - " "" line "${line}")
  endif()
  set(${out} "${line}" PARENT_SCOPE)
endfunction()

get_property(PP_PROGRAMS GLOBAL PROPERTY PP_PROGRAMS)
set(PP_DOC_FILES)
foreach(name ${PP_PROGRAMS})
  pp_summary(${name} summary)
  set(man ${PROJECT_BINARY_DIR}/man/${name}.1)
  set(comp ${PROJECT_BINARY_DIR}/completions/${name})
  add_custom_command(OUTPUT ${man}
    COMMAND ${CMAKE_COMMAND} -E make_directory ${PROJECT_BINARY_DIR}/man
    COMMAND ${HELP2MAN} --no-info --section=1 --name=${summary} --output=${man}
            $<TARGET_FILE:${name}>
    DEPENDS ${name} VERBATIM)
  add_custom_command(OUTPUT ${comp}
    COMMAND ${CMAKE_COMMAND} -E make_directory ${PROJECT_BINARY_DIR}/completions
    COMMAND sh ${PROJECT_SOURCE_DIR}/cmake/completion.sh ${name} $<TARGET_FILE:${name}> ${comp}
    DEPENDS ${name} ${PROJECT_SOURCE_DIR}/cmake/completion.sh VERBATIM)
  list(APPEND PP_DOC_FILES ${man} ${comp})
  install(FILES ${man} DESTINATION ${CMAKE_INSTALL_MANDIR}/man1)
  install(FILES ${comp} DESTINATION ${CMAKE_INSTALL_DATADIR}/bash-completion/completions)
endforeach()
add_custom_target(manpages ALL DEPENDS ${PP_DOC_FILES})
