# brine::signing: the optional signed-model-file component (<brine/signing.hpp>). An INTERFACE
# target on top of brine::brine that adds libsodium, found through pkg-config. brine::brine itself
# never depends on libsodium.
#
# BRINE_SIGNING: AUTO (default) builds it when libsodium is found, ON requires it, OFF skips it.
set(BRINE_SIGNING AUTO CACHE STRING "Build brine::signing (libsodium): AUTO, ON or OFF")
set_property(CACHE BRINE_SIGNING PROPERTY STRINGS AUTO ON OFF)

set(BRINE_HAS_SIGNING OFF)
if(NOT BRINE_SIGNING STREQUAL "OFF")
  find_package(PkgConfig QUIET)
  if(PkgConfig_FOUND)
    pkg_check_modules(BRINE_SODIUM QUIET IMPORTED_TARGET GLOBAL libsodium)
  endif()
  if(TARGET PkgConfig::BRINE_SODIUM)
    add_library(brine_signing INTERFACE)
    add_library(brine::signing ALIAS brine_signing)
    set_target_properties(brine_signing PROPERTIES EXPORT_NAME signing)
    target_link_libraries(brine_signing INTERFACE brine
                          $<BUILD_INTERFACE:PkgConfig::BRINE_SODIUM>
                          $<INSTALL_INTERFACE:brine::sodium>)
    set(BRINE_HAS_SIGNING ON)
  elseif(BRINE_SIGNING STREQUAL "ON")
    message(FATAL_ERROR "BRINE_SIGNING=ON needs libsodium found through pkg-config "
                        "(Debian: libsodium-dev pkg-config)")
  else()
    message(STATUS "brine: libsodium not found, brine::signing is not built")
  endif()
endif()

# Installed beside brineConfig.cmake, which includes brineSigningDependencies.cmake when present:
# that file finds libsodium through pkg-config and only then defines brine::signing, so
# `find_package(brine COMPONENTS signing)` fails cleanly where libsodium is missing.
if(BRINE_INSTALL AND BRINE_HAS_SIGNING)
  install(TARGETS brine_signing EXPORT brineSigningTargets)
  install(EXPORT brineSigningTargets NAMESPACE brine::
          DESTINATION ${CMAKE_INSTALL_DATADIR}/cmake/brine)
  install(FILES ${CMAKE_CURRENT_LIST_DIR}/brineSigningDependencies.cmake
          DESTINATION ${CMAKE_INSTALL_DATADIR}/cmake/brine)
endif()
