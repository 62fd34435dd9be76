# edgec_add_model(): compile an ONNX model into a static library at build time.
#
#   edgec_add_model(<lib>
#     MODEL <file.onnx>
#     TARGET <target>                       # see `edgec targets`
#     [NAME <c-name>]                       # C prefix of the API; default: the model's stem
#     [QUANTIZE int8|int16x8|auto|none]     # default: none (auto: OPTIONS --accuracy-budget DB)
#     [CALIBRATION <file.npy|folder|random>] # required with QUANTIZE int8 / int16x8 / auto
#     [RAM_BUDGET <bytes>]                  # e.g. 64K: the arena must fit, or the build fails
#     [OPTIONS <edgec compile options>...])  # e.g. --range mse --keep-float conv1
#
# Creates the static library <lib> from the sources `edgec compile` writes into
# ${CMAKE_CURRENT_BINARY_DIR}/<lib>_edgec at build time; that directory (with
# <name>.h and the edgec/ runtime headers) is a PUBLIC include directory, so
# linking <lib> is all a firmware target needs. The sources are regenerated when
# the model, its external-data files (through edgec's --depfile), the
# calibration data, the options or the edgec binary change. Needs CMake 3.20
# (DEPFILE with every generator).
#
# The compiler is taken from, in order: the `edgec` target of this build (when
# edgec's own source tree is added with add_subdirectory / FetchContent), the
# imported `edgec::edgec` of an installed package (find_package(edgec)), or the
# cache variable EDGEC_EXECUTABLE. It always runs on the build host, so the
# library itself can be built with a cross toolchain (use the installed package
# for that: an in-tree edgec would be cross-compiled too).
#
# Bad usage fails at configure time with a message that names the argument.

include_guard(GLOBAL)

# Where the target descriptions are: set by edgecConfig.cmake for an installed
# package, else the source tree's targets/ beside this file.
if(NOT DEFINED EDGEC_TARGETS_DIR)
  set(EDGEC_TARGETS_DIR "${CMAKE_CURRENT_LIST_DIR}/../targets")
endif()
set_property(GLOBAL PROPERTY EDGEC_TARGETS_DIR "${EDGEC_TARGETS_DIR}")

function(edgec_add_model lib)
  cmake_parse_arguments(PARSE_ARGV 1 ARG "" "MODEL;TARGET;NAME;QUANTIZE;CALIBRATION;RAM_BUDGET"
                        "OPTIONS")
  set(where "edgec_add_model(${lib})")
  if(ARG_UNPARSED_ARGUMENTS)
    message(FATAL_ERROR "${where}: unknown argument(s) ${ARG_UNPARSED_ARGUMENTS} (expected MODEL, "
                        "TARGET, NAME, QUANTIZE, CALIBRATION, RAM_BUDGET, OPTIONS)")
  endif()
  if(DEFINED ARG_RAM_BUDGET AND NOT ARG_RAM_BUDGET MATCHES "^[0-9]+[KkMm]?$")
    message(FATAL_ERROR "${where}: RAM_BUDGET '${ARG_RAM_BUDGET}' is not a size such as 65536, "
                        "64K or 1M")
  endif()
  if(TARGET ${lib})
    message(FATAL_ERROR "${where}: a target named '${lib}' already exists")
  endif()

  # MODEL
  if(NOT ARG_MODEL)
    message(FATAL_ERROR "${where}: MODEL <file.onnx> is required")
  endif()
  get_filename_component(model "${ARG_MODEL}" ABSOLUTE BASE_DIR "${CMAKE_CURRENT_SOURCE_DIR}")
  if(NOT EXISTS "${model}" OR IS_DIRECTORY "${model}")
    message(FATAL_ERROR "${where}: MODEL '${ARG_MODEL}' does not exist (looked for ${model})")
  endif()

  # TARGET
  if(NOT ARG_TARGET)
    message(FATAL_ERROR "${where}: TARGET <target> is required (see `edgec targets`)")
  endif()
  get_property(targets_dir GLOBAL PROPERTY EDGEC_TARGETS_DIR)
  file(GLOB known RELATIVE "${targets_dir}" "${targets_dir}/*.json")
  list(TRANSFORM known REPLACE "\\.json$" "")
  if(NOT ARG_TARGET IN_LIST known)
    list(JOIN known ", " known_text)
    message(FATAL_ERROR "${where}: TARGET '${ARG_TARGET}' is not a known target (known: ${known_text})")
  endif()

  # NAME
  if(ARG_NAME)
    set(name "${ARG_NAME}")
    if(NOT name MATCHES "^[A-Za-z_][A-Za-z0-9_]*$")
      message(FATAL_ERROR "${where}: NAME '${name}' is not a C identifier")
    endif()
  else()
    get_filename_component(name "${model}" NAME_WE)
    string(MAKE_C_IDENTIFIER "${name}" name)
  endif()

  # QUANTIZE / CALIBRATION
  set(quantize none)
  if(ARG_QUANTIZE)
    set(quantize "${ARG_QUANTIZE}")
  endif()
  if(NOT quantize MATCHES "^(none|int8|int16x8|auto)$")
    message(FATAL_ERROR "${where}: QUANTIZE '${quantize}' is not one of int8, int16x8, auto, none")
  endif()
  set(args --target ${ARG_TARGET} --name ${name})
  set(depends "${model}")
  if(quantize STREQUAL "none")
    if(ARG_CALIBRATION)
      message(FATAL_ERROR "${where}: CALIBRATION is only used with QUANTIZE int8, int16x8 or auto")
    endif()
  else()
    if(NOT ARG_CALIBRATION)
      message(FATAL_ERROR "${where}: QUANTIZE ${quantize} needs CALIBRATION <file.npy|folder|random>")
    endif()
    if(ARG_CALIBRATION STREQUAL "random")
      set(calibration random)
    else()
      get_filename_component(calibration "${ARG_CALIBRATION}" ABSOLUTE
                             BASE_DIR "${CMAKE_CURRENT_SOURCE_DIR}")
      if(NOT EXISTS "${calibration}")
        message(FATAL_ERROR "${where}: CALIBRATION '${ARG_CALIBRATION}' does not exist "
                            "(looked for ${calibration})")
      endif()
      if(IS_DIRECTORY "${calibration}")
        file(GLOB samples CONFIGURE_DEPENDS "${calibration}/*.npy")
        if(NOT samples)
          message(FATAL_ERROR "${where}: CALIBRATION folder '${ARG_CALIBRATION}' has no .npy files")
        endif()
        list(APPEND depends ${samples})
      else()
        list(APPEND depends "${calibration}")
      endif()
    endif()
    list(APPEND args --quantize ${quantize} --calibration "${calibration}")
  endif()
  if(DEFINED ARG_RAM_BUDGET)
    list(APPEND args --ram-budget ${ARG_RAM_BUDGET})
  endif()
  list(APPEND args ${ARG_OPTIONS})

  # The compiler.
  if(TARGET edgec)
    set(edgec_cmd "$<TARGET_FILE:edgec>")
    list(APPEND depends edgec)
  elseif(TARGET edgec::edgec)
    set(edgec_cmd "$<TARGET_FILE:edgec::edgec>")
    list(APPEND depends "$<TARGET_FILE:edgec::edgec>")
  elseif(EDGEC_EXECUTABLE)
    set(edgec_cmd "${EDGEC_EXECUTABLE}")
    list(APPEND depends "${EDGEC_EXECUTABLE}")
  else()
    message(FATAL_ERROR "${where}: no edgec compiler: use find_package(edgec), add edgec's source "
                        "tree, or set EDGEC_EXECUTABLE")
  endif()

  # The options as a file whose content changes only when they do, so that a
  # change of options (and only that) regenerates.
  set(out "${CMAKE_CURRENT_BINARY_DIR}/${lib}_edgec")
  set(stamp "${CMAKE_CURRENT_BINARY_DIR}/${lib}_edgec.options")
  string(REPLACE ";" "\n" options_text "${args}")
  file(CONFIGURE OUTPUT "${stamp}" CONTENT "${options_text}\n" @ONLY)
  list(APPEND depends "${stamp}")

  set(sources "${out}/${name}.cpp" "${out}/${name}_weights.cpp")
  # edgec writes a depfile naming every file the compile read, the model's
  # external-data files included, so changing one of those regenerates too.
  # CMP0116: the depfile's paths are taken as edgec writes them (absolute).
  set(depfile "${CMAKE_CURRENT_BINARY_DIR}/${lib}_edgec.d")
  cmake_policy(PUSH)
  if(POLICY CMP0116)
    cmake_policy(SET CMP0116 NEW)
  endif()
  add_custom_command(
    OUTPUT ${sources} "${out}/${name}.h" "${out}/report.json"
    COMMAND ${edgec_cmd} compile "${model}" -o "${out}" --depfile "${depfile}" ${args}
    DEPENDS ${depends}
    DEPFILE "${depfile}"
    COMMENT "edgec: compiling ${ARG_MODEL} for ${ARG_TARGET} (${lib})"
    VERBATIM)
  cmake_policy(POP)
  add_library(${lib} STATIC ${sources})
  target_include_directories(${lib} PUBLIC "${out}")
  target_compile_features(${lib} PUBLIC cxx_std_20)
  set_target_properties(${lib} PROPERTIES EDGEC_MODEL_NAME "${name}"
                                          EDGEC_OUTPUT_DIR "${out}")
endfunction()
