# Lets clang compile LibTorch 1.13's headers in C++20 (the fuzz build only; included by the
# top-level CMakeLists.txt when LFA_FUZZ is ON, before any target).
#
# ATen/core/List.h uses members of std::vector<IValue> (a constructor, operator[]) where IValue is
# still an incomplete type. Since C++20, libstdc++'s vector members are constexpr, and clang
# instantiates a constexpr function where it is used, so clang rejects the header ("arithmetic on a
# pointer to an incomplete type 'c10::IValue'"); GCC instantiates at the end of the file and accepts
# it. Upstream PyTorch fixed the header later (pull request 93978). Here a copy of the system's
# List.h, generated at configure time into the build folder, turns those two uses into templates,
# whose instantiation waits until IValue is complete; it is searched before the system headers.
# The class layout and every other line are unchanged, and LibTorch's compiled code is untouched.
find_file(LFA_ATEN_LIST_H ATen/core/List.h PATHS ${TORCH_INCLUDE_DIRS} /usr/include NO_DEFAULT_PATH)
if(NOT LFA_ATEN_LIST_H)
  message(FATAL_ERROR "LFA_FUZZ: ATen/core/List.h not found (LibTorch headers)")
endif()
file(READ ${LFA_ATEN_LIST_H} list_h)
set(patched "${list_h}")
string(REPLACE
  "explicit ListImpl(list_type list_, TypePtr elementType_)"
  "template <class L = list_type>\n  explicit ListImpl(L list_, TypePtr elementType_)"
  patched "${patched}")
string(REPLACE
  "inline const IValue* ptr_to_first_element(const GenericList& list) {"
  "template <class L = GenericList>\ninline const IValue* ptr_to_first_element(const L& list) {"
  patched "${patched}")
string(REGEX MATCHALL "template <class L = " applied "${patched}")
list(LENGTH applied applied)
if(NOT applied EQUAL 2)
  message(FATAL_ERROR "LFA_FUZZ: ${LFA_ATEN_LIST_H} is not the LibTorch 1.13 header this patch "
    "knows (check whether it still needs one: docs/testing.md)")
endif()
set(LFA_CLANG_COMPAT_DIR ${CMAKE_BINARY_DIR}/clang-compat)
file(MAKE_DIRECTORY ${LFA_CLANG_COMPAT_DIR}/ATen/core)
file(WRITE ${LFA_CLANG_COMPAT_DIR}/List.h.new "${patched}")
file(COPY_FILE ${LFA_CLANG_COMPAT_DIR}/List.h.new ${LFA_CLANG_COMPAT_DIR}/ATen/core/List.h
  ONLY_IF_DIFFERENT)
include_directories(BEFORE SYSTEM ${LFA_CLANG_COMPAT_DIR})
