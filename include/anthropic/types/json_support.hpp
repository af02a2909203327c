// Internal helpers shared by the JSON conversions of the typed model.
//
// The model promises a faithful round trip: a body parsed from JSON serializes
// back to an equal JSON value. Two small tools make every conversion follow the
// same rule instead of re-implementing it per struct:
//  - object_reader reads the members a struct knows into typed fields and copies
//    every other member, and every known member that is null or whose value
//    does not fit the typed field (a negative count, a number beyond 64 bits),
//    into the struct's `extra` object verbatim;
//  - write_extra appends those `extra` members after the typed ones, skipping
//    names a typed field already wrote, so a typed value always wins.
// Wrong JSON kinds (a string where a number belongs, a missing required member)
// are shape errors: client_errc::invalid_message.
#pragma once

#include <anthropic/error.hpp>

#include <boost/json/monotonic_resource.hpp>
#include <boost/json/object.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/parse_options.hpp>
#include <boost/json/value.hpp>
#include <boost/json/value_from.hpp>

#include <array>
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace anthropic::detail {

/// Parser settings for bodies: deeper nesting than Boost.JSON's default of 32
/// (tool inputs and schemas sit several levels down in a message), still
/// bounded so that hostile input cannot exhaust the stack of recursive copies.
inline boost::json::parse_options parse_options() noexcept {
  boost::json::parse_options options;
  options.max_depth = 64;
  return options;
}

/// What reading one JSON value into a typed field gave.
enum class read_status {
  ok,          ///< stored in the typed field
  keep_as_is,  ///< right JSON kind but not representable: keep it verbatim in `extra`
  bad_shape,   ///< wrong JSON kind: the document does not have the documented shape
};

inline read_status read_value(const boost::json::value& jv, std::string& out) {
  const auto* s = jv.if_string();
  if (!s) return read_status::bad_shape;
  out.assign(s->data(), s->size());
  return read_status::ok;
}

inline read_status read_value(const boost::json::value& jv, std::uint64_t& out) {
  if (const auto* i = jv.if_int64()) {
    if (*i < 0) return read_status::keep_as_is;
    out = static_cast<std::uint64_t>(*i);
    return read_status::ok;
  }
  if (const auto* u = jv.if_uint64()) {
    out = *u;
    return read_status::ok;
  }
  // A fractional or huge number is still a number: keep it rather than refuse the body.
  if (jv.is_double()) return read_status::keep_as_is;
  return read_status::bad_shape;
}

inline read_status read_value(const boost::json::value& jv, double& out) {
  if (const auto* d = jv.if_double()) {
    out = *d;
    return read_status::ok;
  }
  // Integers are valid JSON numbers for a float field (`"temperature": 1`).
  if (const auto* i = jv.if_int64()) {
    out = static_cast<double>(*i);
    return read_status::ok;
  }
  if (const auto* u = jv.if_uint64()) {
    out = static_cast<double>(*u);
    return read_status::ok;
  }
  return read_status::bad_shape;
}

inline read_status read_value(const boost::json::value& jv, bool& out) {
  const auto* b = jv.if_bool();
  if (!b) return read_status::bad_shape;
  out = *b;
  return read_status::ok;
}

inline read_status read_value(const boost::json::value& jv, boost::json::value& out) {
  out = jv;
  return read_status::ok;
}

inline read_status read_value(const boost::json::value& jv, boost::json::object& out) {
  const auto* o = jv.if_object();
  if (!o) return read_status::bad_shape;
  out = *o;
  return read_status::ok;
}

/// Any model type with an `anthropic::from_json` overload (found by ADL).
template <class T>
  requires requires(const boost::json::value& jv, T& t) {
    { from_json(jv, t) } -> std::convertible_to<boost::system::error_code>;
  }
read_status read_value(const boost::json::value& jv, T& out) {
  return from_json(jv, out) ? read_status::bad_shape : read_status::ok;
}

template <class T>
read_status read_value(const boost::json::value& jv, std::vector<T>& out) {
  const auto* a = jv.if_array();
  if (!a) return read_status::bad_shape;
  out.clear();
  out.reserve(a->size());
  for (const auto& element : *a) {
    out.emplace_back();
    // Inside an array there is no member to keep verbatim: any misfit is a shape error.
    if (read_value(element, out.back()) != read_status::ok) return read_status::bad_shape;
  }
  return read_status::ok;
}

template <class T>
read_status read_value(const boost::json::value& jv, std::optional<T>& out) {
  T value{};
  auto status = read_value(jv, value);
  if (status == read_status::ok) out = std::move(value);
  return status;
}

/// Reads one JSON object into a struct: call required()/optional() per known
/// member, then finish() to move the rest into `extra`.
class object_reader {
 public:
  object_reader(const boost::json::value& jv, boost::json::object& extra) noexcept
      : object_(jv.if_object()), extra_(extra), failed_(object_ == nullptr) {
    extra_.clear();
  }

  /// A member the API always sends; missing, null or a wrong kind fails the parse.
  template <class T>
  void required(std::string_view key, T& out) {
    if (failed_) return;
    const boost::json::value* v = object_->if_contains(key);
    if (!v || read_value(*v, out) != read_status::ok) {
      failed_ = true;
      return;
    }
    mark_consumed(key);
  }

  /// A member that may be absent. Null and unrepresentable values stay in `extra`.
  template <class T>
  void optional(std::string_view key, T& out) {
    if (failed_) return;
    const boost::json::value* v = object_->if_contains(key);
    if (!v || v->is_null()) return;
    switch (read_value(*v, out)) {
      case read_status::ok: mark_consumed(key); break;
      case read_status::keep_as_is: break;
      case read_status::bad_shape: failed_ = true; break;
    }
  }

  /// A member that must be present but may be null or out of range (a count a
  /// router could send as null): such values stay in `extra` like optional().
  template <class T>
  void present(std::string_view key, T& out) {
    if (!failed_ && !object_->contains(key)) failed_ = true;
    optional(key, out);
  }

  /// Like optional(), but null is a value of the field (e.g. `stop_sequence`),
  /// so it is consumed and later written back as null by the serializer.
  template <class T>
  void nullable(std::string_view key, std::optional<T>& out) {
    if (failed_) return;
    const boost::json::value* v = object_->if_contains(key);
    if (v && v->is_null()) {
      out.reset();
      mark_consumed(key);
      return;
    }
    optional(key, out);
  }

  /// Records a member the caller handled by itself (e.g. the `type` tag).
  void consume(std::string_view key) { mark_consumed(key); }

  const boost::json::object* object() const noexcept { return object_; }
  void fail() noexcept { failed_ = true; }

  /// Copies every member not consumed into `extra`; the parse result.
  boost::system::error_code finish() {
    if (failed_) return client_errc::invalid_message;
    if (object_->size() != consumed_count_) {
      for (const auto& member : *object_)
        if (!is_consumed(member.key())) extra_.emplace(member.key(), member.value());
    }
    return {};
  }

 private:
  void mark_consumed(std::string_view key) {
    if (consumed_count_ < consumed_.size()) consumed_[consumed_count_++] = key;
  }
  bool is_consumed(std::string_view key) const noexcept {
    for (std::size_t i = 0; i < consumed_count_; ++i)
      if (consumed_[i] == key) return true;
    return false;
  }

  const boost::json::object* object_;
  boost::json::object& extra_;
  bool failed_;
  // The widest struct (message_request, 15 members) fits. Were a struct to
  // outgrow it, the extra names would only be copied into `extra` needlessly:
  // write_extra skips names the typed fields already wrote.
  std::array<std::string_view, 24> consumed_{};
  std::size_t consumed_count_ = 0;
};

/// Appends `extra` members whose names the typed fields did not write.
inline void write_extra(boost::json::object& out, const boost::json::object& extra) {
  for (const auto& member : extra) out.emplace(member.key(), member.value());
}

/// Writes a member the serializer always emits (its typed field has no empty
/// state) unless the field still holds its default and `extra` kept the parsed
/// value instead (a null, a negative count): that value then goes back as it came.
template <class T>
void write_defaultable(boost::json::object& out, std::string_view key, const T& field,
                       const boost::json::object& extra) {
  if (field == T{} && extra.contains(key)) return;
  out[key] = boost::json::value_from(field, out.storage());
}

template <class T>
void write_optional(boost::json::object& out, std::string_view key, const std::optional<T>& field) {
  if (field) out[key] = boost::json::value_from(*field, out.storage());
}

template <class T>
void write_nonempty(boost::json::object& out, std::string_view key, const std::vector<T>& field) {
  if (!field.empty()) out[key] = boost::json::value_from(field, out.storage());
}

/// Storage for a JSON tree that lives only while it is converted or written
/// out: the first 4 KiB on the stack, then a monotonic arena, freed at once.
/// Saves one allocation per node of a short-lived tree.
class json_scratch {
 public:
  json_scratch() = default;
  json_scratch(const json_scratch&) = delete;
  json_scratch& operator=(const json_scratch&) = delete;

  boost::json::storage_ptr storage() noexcept { return boost::json::storage_ptr(&arena_); }

 private:
  unsigned char initial_[4096];
  boost::json::monotonic_resource arena_{initial_, sizeof initial_};
};

/// Parses JSON text straight into a typed value: client_errc::invalid_json when
/// the text is not JSON, else what `from_json` (found by ADL) says of its shape.
/// The parsed tree is thrown away after conversion, so it lives in an arena that
/// saves the per-node allocations (`from_json` copies into default storage).
template <class T>
boost::system::error_code parse_typed(std::string_view json_text, T& out) {
  json_scratch scratch;
  boost::system::error_code ec{};
  boost::json::value jv = boost::json::parse(json_text, ec, scratch.storage(), parse_options());
  if (ec) return client_errc::invalid_json;
  return from_json(jv, out);
}

}  // namespace anthropic::detail
