// Wire codec for descriptors and control messages: Cereal's binary archive behind a magic
// number and a version. Decoding never trusts a length prefix: every string or vector
// length is checked against the bytes of the message before anything is allocated, and any
// malformed input raises Error(kSoftware, "malformed ...") instead of crashing.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "task/descriptor.hpp"
#include "task/messages.hpp"

namespace dataflow::task {

template <class Message>
std::string encode(const Message& message);

template <class Message>
Message decode(std::string_view bytes);

}  // namespace dataflow::task
