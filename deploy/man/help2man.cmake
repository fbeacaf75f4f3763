# cmake -DBIN=<binary> -DNAME=<name> -DSECTION=8 -DVERSION=<v> -DDESC=<one line> -DOUT=<file.8>
#       -P help2man.cmake
# Writes a man page from the program's own --help text, so the page never disagrees with the
# binary (help2man is not a build dependency). The help text goes in a preformatted section.
execute_process(COMMAND ${BIN} --help OUTPUT_VARIABLE help ERROR_VARIABLE help_err
                RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "${BIN} --help exited ${rc}: ${help_err}")
endif()
if(help STREQUAL "")
  set(help "${help_err}")
endif()
# roff: a backslash must be doubled; a line starting with . or ' would be a request.
string(REPLACE "\\" "\\e" help "${help}")
string(REGEX REPLACE "(^|\n)([.'])" "\\1\\\\&\\2" help "${help}")
string(TIMESTAMP today "%Y-%m-%d" UTC)
file(WRITE ${OUT}
  ".TH ${NAME} ${SECTION} \"${today}\" \"voltha-sidecars ${VERSION}\" \"voltha-sidecars\"\n"
  ".SH NAME\n${NAME} \\- ${DESC}\n"
  ".SH DESCRIPTION\nThe text below is the output of \\fB${NAME} --help\\fR.\n"
  ".PP\n.nf\n${help}.fi\n"
  ".SH SEE ALSO\n/usr/share/doc/voltha-sidecars-${NAME}/, systemctl(1), ${NAME}.service\n")
