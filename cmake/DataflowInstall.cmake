# Installs libdataflow, its public headers and a package config so that consumers can write
# find_package(dataflow) and link dataflow::dataflow with its dependencies found for them.
include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

install(TARGETS dataflow EXPORT dataflowTargets
        ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
        LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
        INCLUDES DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(DIRECTORY include/dataflow DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(TARGETS wordcount RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(EXPORT dataflowTargets NAMESPACE dataflow::
        DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/dataflow)
configure_package_config_file(cmake/dataflowConfig.cmake.in
        ${CMAKE_CURRENT_BINARY_DIR}/dataflowConfig.cmake
        INSTALL_DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/dataflow)
write_basic_package_version_file(${CMAKE_CURRENT_BINARY_DIR}/dataflowConfigVersion.cmake
        COMPATIBILITY SameMinorVersion)
install(FILES ${CMAKE_CURRENT_BINARY_DIR}/dataflowConfig.cmake
              ${CMAKE_CURRENT_BINARY_DIR}/dataflowConfigVersion.cmake
        DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/dataflow)
