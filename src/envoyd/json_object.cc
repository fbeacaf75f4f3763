#include "envoyd/json_object.h"

#include <string>

namespace vs::envoyd {

StatusOr<simdjson::dom::object> ParseJsonObject(std::string_view text, size_t max_bytes,
                                                std::string_view what) {
  if (text.size() > max_bytes) {
    return ResourceExhausted(std::string(what) + " of " + std::to_string(text.size()) +
                             " bytes exceeds the limit");
  }
  // One parser per thread: its buffers are reused across the (frequent) calls.
  thread_local simdjson::dom::parser parser;
  simdjson::dom::element doc;
  if (auto err = parser.parse(text.data(), text.size()).get(doc)) {
    return InvalidArgument(std::string(what) +
                           " is not valid JSON: " + simdjson::error_message(err));
  }
  simdjson::dom::object obj;
  if (doc.get_object().get(obj))
    return InvalidArgument(std::string(what) + " is not a JSON object");
  return obj;
}

}  // namespace vs::envoyd
