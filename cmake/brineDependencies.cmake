# Finds cereal and Eigen on the system first; fetches pinned releases only where they are missing
# and the network allows. Set FETCHCONTENT_SOURCE_DIR_CEREAL / _EIGEN3 to use local checkouts and
# FETCHCONTENT_FULLY_DISCONNECTED=ON to forbid downloads altogether.
include(FetchContent)

# SYSTEM keeps a fetched cereal's headers out of our -Werror warnings (its base64.hpp and json.hpp
# warn under -Wsign-conversion); the keyword needs CMake 3.25.
set(BRINE_FETCHCONTENT_SYSTEM "")
if(CMAKE_VERSION VERSION_GREATER_EQUAL 3.25)
  set(BRINE_FETCHCONTENT_SYSTEM SYSTEM)
endif()

# Only consulted when cereal is fetched; a consumer who set them first keeps its own choice.
if(NOT DEFINED JUST_INSTALL_CEREAL)
  set(JUST_INSTALL_CEREAL ON)  # else upstream cereal needs Boost and builds its tests (cereal#791)
endif()
if(NOT DEFINED CEREAL_INSTALL)
  set(CEREAL_INSTALL ${BRINE_INSTALL})  # our export references cereal, so cereal must be exported
endif()

FetchContent_Declare(cereal
  URL https://github.com/USCiLab/cereal/archive/refs/tags/v1.3.2.tar.gz
  URL_HASH SHA256=16a7ad9b31ba5880dac55d62b5d6f243c3ebc8d46a3514149e56b5e7ea81f85f
  ${BRINE_FETCHCONTENT_SYSTEM}
  FIND_PACKAGE_ARGS 1.3 CONFIG)
FetchContent_Declare(Eigen3
  URL https://gitlab.com/libeigen/eigen/-/archive/3.4.0/eigen-3.4.0.tar.gz
  URL_HASH SHA256=8586084f71f9bde545ee7fa6d00288b264a2b7ac3607b974e54d13e7162c1c72
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

# RapidJSON. brine's JSON archive must use the very RapidJSON that cereal's json.hpp uses: two
# copies in one program define the same rapidjson:: classes twice.
#  - Upstream cereal (fetched, or installed from its sources) bundles it as
#    <cereal/external/rapidjson/...> on cereal's own include path: nothing to add.
#  - Debian's libcereal-dev strips that copy and uses rapidjson-dev's <rapidjson/...> instead.
#    That usually lives in /usr/include next to cereal, but nothing guarantees it, so find it and
#    put its directory on brine's interface (and find it again in brineConfig.cmake).
get_target_property(_brine_cereal_includes cereal::cereal INTERFACE_INCLUDE_DIRECTORIES)
string(REGEX REPLACE "\\$<BUILD_INTERFACE:([^>]*)>" "\\1" _brine_cereal_includes
       "${_brine_cereal_includes}")
string(GENEX_STRIP "${_brine_cereal_includes}" _brine_cereal_includes)
set(BRINE_SYSTEM_RAPIDJSON TRUE)
foreach(_dir IN LISTS _brine_cereal_includes)
  if(EXISTS "${_dir}/cereal/external/rapidjson/rapidjson.h")
    set(BRINE_SYSTEM_RAPIDJSON FALSE)
  endif()
endforeach()
if(BRINE_SYSTEM_RAPIDJSON)
  find_path(BRINE_RAPIDJSON_INCLUDE_DIR rapidjson/rapidjson.h HINTS ${_brine_cereal_includes}
            DOC "Directory holding rapidjson/rapidjson.h, for a cereal built without its own copy")
  if(NOT BRINE_RAPIDJSON_INCLUDE_DIR)
    message(FATAL_ERROR "brine: this cereal (${_brine_cereal_includes}) has no bundled RapidJSON "
                        "and no rapidjson/rapidjson.h was found. Install RapidJSON (Debian: "
                        "rapidjson-dev) or set BRINE_RAPIDJSON_INCLUDE_DIR.")
  endif()
  add_library(brine_rapidjson INTERFACE)
  target_include_directories(brine_rapidjson SYSTEM INTERFACE ${BRINE_RAPIDJSON_INCLUDE_DIR})
endif()
