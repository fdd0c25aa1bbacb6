#include "farm/net/this_machine.hpp"

#include <doctest/doctest.h>

#include <string>
#include <unistd.h>

using farm::net::is_this_machine_url;

TEST_CASE("net::is_this_machine_url: loopback, this host's name and its addresses") {
    CHECK(is_this_machine_url("http://localhost:11434"));
    CHECK(is_this_machine_url("http://127.0.0.1:8000/v1"));
    CHECK(is_this_machine_url("http://user:secret@[::1]:8000/v1"));
    char name[256] = {};
    REQUIRE(gethostname(name, sizeof name - 1) == 0);
    CHECK(is_this_machine_url("http://" + std::string(name) + ":8000/v1"));
    // The loopback interface's address is found through the interface list too.
    CHECK(is_this_machine_url("http://127.0.0.1"));
}

TEST_CASE("net::is_this_machine_url: other machines, and names it would have to resolve") {
    CHECK_FALSE(is_this_machine_url("https://api.openai.com/v1"));
    CHECK_FALSE(is_this_machine_url("http://gpu-box.example.invalid:8000"));
    CHECK_FALSE(is_this_machine_url("http://192.0.2.10:8000")); // TEST-NET-1, never assigned
    CHECK_FALSE(is_this_machine_url("http://[2001:db8::1]:8000"));
    CHECK_FALSE(is_this_machine_url(""));
    char name[256] = {};
    REQUIRE(gethostname(name, sizeof name - 1) == 0);
    // Another machine whose name starts with this one's first label.
    CHECK_FALSE(is_this_machine_url("http://" + std::string(name) + ".example.invalid:8000"));
}
