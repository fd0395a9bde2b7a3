# Installs libdataflow, its public headers and a package config so that consumers can write
# find_package(dataflow) and link dataflow::dataflow with its dependencies found for them.
include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

install(TARGETS dataflow EXPORT dataflowTargets
        ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
        LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
        INCLUDES DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(DIRECTORY include/dataflow DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(TARGETS wordcount terasort etl kmeans pagerank h5hist tpch RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
# The batch scripts, into share/dataflow/jobs, each told where the programs were installed:
# an sbatch job runs a spooled copy of its script, which cannot look beside itself.
set(_dataflow_jobs etl h5hist kmeans pagerank template terasort tpch wordcount wordcount-hetjob)
list(TRANSFORM _dataflow_jobs PREPEND "${PROJECT_SOURCE_DIR}/jobs/")
list(TRANSFORM _dataflow_jobs APPEND ".sbatch")
install(CODE "
  foreach(job ${_dataflow_jobs})
    get_filename_component(name \${job} NAME)
    file(READ \${job} text)
    string(REPLACE \"@DATAFLOW_INSTALL_BINDIR@\" \"\${CMAKE_INSTALL_PREFIX}/${CMAKE_INSTALL_BINDIR}\" text \"\${text}\")
    file(WRITE \"\$ENV{DESTDIR}\${CMAKE_INSTALL_PREFIX}/${CMAKE_INSTALL_DATADIR}/dataflow/jobs/\${name}\" \"\${text}\")
    message(STATUS \"Installing: \${CMAKE_INSTALL_PREFIX}/${CMAKE_INSTALL_DATADIR}/dataflow/jobs/\${name}\")
  endforeach()
")
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
