# ctest's cli_without_qt: cmake -DCLI=<cepheid-cli> -DWORK=<scratch folder> -P cli-without-qt.cmake
#  1. cepheid-cli needs no Qt library, directly or through another (ldd lists both), and every library resolves;
#  2. alone in a folder, without cepheid-cli-reports at ../libexec/cepheid/, `report --format html` exits 2 and says
#     which package draws HTML and PDF, before reading anything (the case named need not exist).
execute_process(COMMAND ldd ${CLI} OUTPUT_VARIABLE libraries ERROR_VARIABLE problem RESULT_VARIABLE status)
if(NOT status EQUAL 0)
    message(FATAL_ERROR "ldd ${CLI} failed (${status}): ${problem}")
endif()
if(libraries MATCHES "libQt")
    message(FATAL_ERROR "cepheid-cli needs Qt:\n${libraries}")
endif()
if(libraries MATCHES "not found")
    message(FATAL_ERROR "a library of cepheid-cli is not found:\n${libraries}")
endif()

file(REMOVE_RECURSE ${WORK})
file(COPY ${CLI} DESTINATION ${WORK}/bin)
get_filename_component(name ${CLI} NAME)
execute_process(COMMAND ${WORK}/bin/${name} report --case ${WORK}/absent.cepheid --format html
                OUTPUT_VARIABLE out ERROR_VARIABLE err RESULT_VARIABLE status)
if(NOT status EQUAL 2 OR NOT out STREQUAL ""
   OR NOT err MATCHES "HTML and PDF reports need the workbench package \\(cepheid\\): install it, or use --format json\\|csv\\|stix")
    message(FATAL_ERROR "without cepheid-cli-reports, report --format html gave exit ${status}, stdout '${out}', "
                        "stderr '${err}'")
endif()
file(REMOVE_RECURSE ${WORK})
message(STATUS "cepheid-cli links no Qt (${CLI}); without cepheid-cli-reports it says: ${err}")
