# Install rules: headers, the brine::brine (header-only) and brine::compiled (static library)
# targets and a relocatable brineConfig.cmake.
# brine_warnings is deliberately not installed: consumers choose their own flags.
include(CMakePackageConfigHelpers)
set(BRINE_CMAKE_DIR ${CMAKE_INSTALL_LIBDIR}/cmake/brine)  # with brine::compiled: arch-dependent
install(TARGETS brine brine_compiled EXPORT brineTargets
        ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR})
install(DIRECTORY include/ DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(EXPORT brineTargets NAMESPACE brine:: DESTINATION ${BRINE_CMAKE_DIR})
configure_package_config_file(cmake/brineConfig.cmake.in ${CMAKE_CURRENT_BINARY_DIR}/brineConfig.cmake
                              INSTALL_DESTINATION ${BRINE_CMAKE_DIR})
# 0.x: a minor release may break the API, so only the same minor version is compatible.
write_basic_package_version_file(${CMAKE_CURRENT_BINARY_DIR}/brineConfigVersion.cmake
                                 COMPATIBILITY SameMinorVersion)
install(FILES ${CMAKE_CURRENT_BINARY_DIR}/brineConfig.cmake
              ${CMAKE_CURRENT_BINARY_DIR}/brineConfigVersion.cmake
        DESTINATION ${BRINE_CMAKE_DIR})
install(FILES LICENSE DESTINATION ${CMAKE_INSTALL_DATADIR}/doc/brine)
