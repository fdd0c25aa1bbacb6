// Files for unit tests: each test case builds what it needs in a folder of its own under the
// runner's temporary current folder (see tests/unit/main.cpp), so no two tests share state.
#pragma once

#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

namespace farm::test {

// GROUP/NAME under the current folder, emptied and created.
inline std::filesystem::path fresh_folder(const std::string& group, const std::string& name) {
    std::filesystem::path dir = std::filesystem::current_path() / group / name;
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir);
    return dir;
}

// NAME under the current folder for a SQLite database, with no database or side file (-wal,
// -shm, -journal) left from an earlier test case.
inline std::filesystem::path fresh_db(const std::string& name) {
    std::filesystem::path path = std::filesystem::current_path() / name;
    for (const char* suffix : {"", "-wal", "-shm", "-journal"}) {
        std::filesystem::remove(std::filesystem::path(path.string() + suffix));
    }
    return path;
}

// The bytes of `file`; empty when it cannot be read.
inline std::string read_file(const std::filesystem::path& file) {
    std::ifstream in(file, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

// Writes `text` to `file` byte for byte, creating its folders.
inline void write_file(const std::filesystem::path& file, const std::string& text) {
    std::filesystem::create_directories(file.parent_path());
    std::ofstream(file, std::ios::binary) << text;
}

} // namespace farm::test
