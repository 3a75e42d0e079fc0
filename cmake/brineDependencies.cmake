# Finds cereal and Eigen on the system first; fetches pinned releases only where they are missing
# and the network allows. Set FETCHCONTENT_SOURCE_DIR_CEREAL / _EIGEN3 to use local checkouts.
include(FetchContent)

set(JUST_INSTALL_CEREAL ON)             # upstream cereal otherwise needs Boost and builds its tests
set(CEREAL_INSTALL ${BRINE_INSTALL})    # our export references cereal, so cereal must be exported
FetchContent_Declare(cereal
  URL https://github.com/USCiLab/cereal/archive/refs/tags/v1.3.2.tar.gz
  SYSTEM
  FIND_PACKAGE_ARGS 1.3 CONFIG)
FetchContent_Declare(Eigen3
  URL https://gitlab.com/libeigen/eigen/-/archive/3.4.0/eigen-3.4.0.tar.gz
  SOURCE_SUBDIR do-not-add-subdirectory  # populate only: Eigen's own tests and docs never run
  FIND_PACKAGE_ARGS 3.3 CONFIG)
FetchContent_MakeAvailable(cereal Eigen3)

if(NOT TARGET Eigen3::Eigen)  # fetched Eigen: define the target ourselves
  add_library(brine_eigen INTERFACE)
  target_include_directories(brine_eigen SYSTEM INTERFACE $<BUILD_INTERFACE:${eigen3_SOURCE_DIR}>)
  add_library(Eigen3::Eigen ALIAS brine_eigen)
  if(BRINE_INSTALL)
    install(DIRECTORY ${eigen3_SOURCE_DIR}/Eigen ${eigen3_SOURCE_DIR}/unsupported
            DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/eigen3)
    target_include_directories(brine_eigen INTERFACE
                               $<INSTALL_INTERFACE:${CMAKE_INSTALL_INCLUDEDIR}/eigen3>)
    install(TARGETS brine_eigen EXPORT brineTargets)
  endif()
  set(BRINE_BUNDLED_EIGEN TRUE)
else()
  set(BRINE_BUNDLED_EIGEN FALSE)
endif()
