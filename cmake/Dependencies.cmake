# All dependencies come from Debian packages (see scripts/setup.sh); nothing is downloaded.
find_package(PkgConfig REQUIRED)
find_package(Threads REQUIRED)
pkg_check_modules(OPENBLAS REQUIRED IMPORTED_TARGET openblas)
find_package(TBB REQUIRED)
find_package(fmt REQUIRED)
find_package(Eigen3 3.3 REQUIRED NO_MODULE)
find_package(nlohmann_json 3 REQUIRED)
if(LINEA_BUILD_TESTS)
  find_package(GTest REQUIRED)
endif()
# LLVM 19 for the JIT of fused operators (kernels/codegen); linked as the one shared libLLVM.
# LLVMConfigVersion.cmake matches major.minor, so "19" alone (= 19.0) is rejected.
find_package(LLVM 19.1 CONFIG REQUIRED HINTS /usr/lib/llvm-19/lib/cmake/llvm)
separate_arguments(LLVM_DEFINITIONS_LIST NATIVE_COMMAND ${LLVM_DEFINITIONS})
