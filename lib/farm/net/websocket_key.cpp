// The WebSocket opening handshake's key check (RFC 6455 section 4.2.2): base64(SHA-1(key + GUID)).
// SHA-1 is written out here (FIPS 180-4) because this check is its only use in farm and it is not
// a security measure: it only proves that the server understood the WebSocket request.
#include "farm/net/websocket.hpp"

#include <array>
#include <cstdint>

namespace farm::net {

namespace {

std::uint32_t rotate_left(std::uint32_t value, int bits) {
    return (value << bits) | (value >> (32 - bits));
}

std::array<std::uint8_t, 20> sha1(const std::string& message) {
    std::uint32_t h[5] = {0x67452301, 0xEFCDAB89, 0x98BADCFE, 0x10325476, 0xC3D2E1F0};
    std::string data = message;
    std::uint64_t bit_length = std::uint64_t(message.size()) * 8;
    data += char(0x80);
    while (data.size() % 64 != 56) {
        data += char(0);
    }
    for (int i = 7; i >= 0; --i) {
        data += char((bit_length >> (i * 8)) & 0xff);
    }
    for (std::size_t chunk = 0; chunk < data.size(); chunk += 64) {
        std::uint32_t w[80];
        for (int i = 0; i < 16; ++i) {
            const auto* p = reinterpret_cast<const unsigned char*>(data.data() + chunk + i * 4);
            w[i] = (std::uint32_t(p[0]) << 24) | (std::uint32_t(p[1]) << 16) |
                   (std::uint32_t(p[2]) << 8) | std::uint32_t(p[3]);
        }
        for (int i = 16; i < 80; ++i) {
            w[i] = rotate_left(w[i - 3] ^ w[i - 8] ^ w[i - 14] ^ w[i - 16], 1);
        }
        std::uint32_t a = h[0], b = h[1], c = h[2], d = h[3], e = h[4];
        for (int i = 0; i < 80; ++i) {
            std::uint32_t f = 0, k = 0;
            if (i < 20) {
                f = (b & c) | (~b & d);
                k = 0x5A827999;
            } else if (i < 40) {
                f = b ^ c ^ d;
                k = 0x6ED9EBA1;
            } else if (i < 60) {
                f = (b & c) | (b & d) | (c & d);
                k = 0x8F1BBCDC;
            } else {
                f = b ^ c ^ d;
                k = 0xCA62C1D6;
            }
            std::uint32_t next = rotate_left(a, 5) + f + e + k + w[i];
            e = d;
            d = c;
            c = rotate_left(b, 30);
            b = a;
            a = next;
        }
        h[0] += a;
        h[1] += b;
        h[2] += c;
        h[3] += d;
        h[4] += e;
    }
    std::array<std::uint8_t, 20> digest{};
    for (int i = 0; i < 20; ++i) {
        digest[i] = std::uint8_t((h[i / 4] >> (24 - 8 * (i % 4))) & 0xff);
    }
    return digest;
}

std::string base64(const std::uint8_t* bytes, std::size_t size) {
    static const char* alphabet =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    std::string out;
    for (std::size_t i = 0; i < size; i += 3) {
        std::uint32_t group = std::uint32_t(bytes[i]) << 16;
        if (i + 1 < size) {
            group |= std::uint32_t(bytes[i + 1]) << 8;
        }
        if (i + 2 < size) {
            group |= bytes[i + 2];
        }
        out += alphabet[(group >> 18) & 63];
        out += alphabet[(group >> 12) & 63];
        out += i + 1 < size ? alphabet[(group >> 6) & 63] : '=';
        out += i + 2 < size ? alphabet[group & 63] : '=';
    }
    return out;
}

} // namespace

std::string websocket_accept_for(const std::string& key) {
    std::array<std::uint8_t, 20> digest = sha1(key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11");
    return base64(digest.data(), digest.size());
}

std::string websocket_new_key(std::uint64_t random_high, std::uint64_t random_low) {
    std::uint8_t bytes[16];
    for (int i = 0; i < 8; ++i) {
        bytes[i] = std::uint8_t(random_high >> (i * 8));
        bytes[8 + i] = std::uint8_t(random_low >> (i * 8));
    }
    return base64(bytes, sizeof bytes);
}

} // namespace farm::net
