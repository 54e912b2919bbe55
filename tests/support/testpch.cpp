// The carrier of the test directories' precompiled header (tests/CMakeLists.txt, tap_test_pch).
