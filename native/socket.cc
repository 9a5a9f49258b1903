// vipctl's native addon: system calls on sockets, and one precise sleep (see SleepPrecise).
//
// Every structure that crosses the boundary (socket addresses, option values, control
// messages) is passed as raw bytes that TypeScript builds and parses, so that all protocol
// knowledge lives in TypeScript where it is unit-tested without a kernel. The one
// exception is SO_ATTACH_FILTER, whose sock_fprog holds a pointer that only C++ can form.
//
// Failures become JavaScript Errors shaped like Node's own system errors:
// { errno: -EPERM, code: 'EPERM', syscall: 'socket', message: 'EPERM: operation not permitted, socket' }.

#include <napi.h>
#include <uv.h>

#include <arpa/inet.h>
#include <errno.h>
#include <linux/filter.h>
#include <linux/if_packet.h>
#include <linux/ip_vs.h>
#include <linux/netlink.h>
#include <net/if.h>
#include <netinet/in.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cstddef>
#include <cstring>
#include <string>
#include <vector>

namespace {

Napi::Error SystemError(Napi::Env env, int err, const char* syscall) {
  const char* code = uv_err_name(-err);
  std::string message = std::string(code) + ": " + uv_strerror(-err) + ", " + syscall;
  Napi::Error error = Napi::Error::New(env, message);
  error.Set("errno", Napi::Number::New(env, -err));
  error.Set("code", Napi::String::New(env, code));
  error.Set("syscall", Napi::String::New(env, syscall));
  return error;
}

int FdArg(const Napi::CallbackInfo& info, size_t index) {
  if (info.Length() <= index || !info[index].IsNumber()) {
    throw Napi::TypeError::New(info.Env(), "file descriptor must be a number");
  }
  return info[index].As<Napi::Number>().Int32Value();
}

int IntArg(const Napi::CallbackInfo& info, size_t index, const char* what) {
  if (info.Length() <= index || !info[index].IsNumber()) {
    throw Napi::TypeError::New(info.Env(), std::string(what) + " must be a number");
  }
  return info[index].As<Napi::Number>().Int32Value();
}

// An optional Buffer argument: null/undefined gives an empty span.
std::pair<uint8_t*, size_t> OptionalBytes(const Napi::CallbackInfo& info, size_t index) {
  if (info.Length() <= index || info[index].IsNull() || info[index].IsUndefined()) {
    return {nullptr, 0};
  }
  if (!info[index].IsBuffer()) {
    throw Napi::TypeError::New(info.Env(), "expected a Buffer");
  }
  auto buffer = info[index].As<Napi::Buffer<uint8_t>>();
  return {buffer.Data(), buffer.Length()};
}

// socket(domain, type, protocol) -> fd. Always non-blocking and close-on-exec: readiness
// comes from uv_poll, and a spawned notify script must not inherit our sockets.
Napi::Value Socket(const Napi::CallbackInfo& info) {
  int domain = IntArg(info, 0, "domain");
  int type = IntArg(info, 1, "type");
  int protocol = IntArg(info, 2, "protocol");
  int fd = socket(domain, type | SOCK_NONBLOCK | SOCK_CLOEXEC, protocol);
  if (fd < 0) throw SystemError(info.Env(), errno, "socket");
  return Napi::Number::New(info.Env(), fd);
}

// bind(fd, sockaddr bytes)
Napi::Value Bind(const Napi::CallbackInfo& info) {
  int fd = FdArg(info, 0);
  auto [address, length] = OptionalBytes(info, 1);
  if (bind(fd, reinterpret_cast<sockaddr*>(address), static_cast<socklen_t>(length)) < 0) {
    throw SystemError(info.Env(), errno, "bind");
  }
  return info.Env().Undefined();
}

// getsockname(fd) -> sockaddr bytes (a netlink socket's port id is read from here)
Napi::Value GetSockName(const Napi::CallbackInfo& info) {
  int fd = FdArg(info, 0);
  sockaddr_storage storage;
  socklen_t length = sizeof(storage);
  if (getsockname(fd, reinterpret_cast<sockaddr*>(&storage), &length) < 0) {
    throw SystemError(info.Env(), errno, "getsockname");
  }
  return Napi::Buffer<uint8_t>::Copy(info.Env(), reinterpret_cast<uint8_t*>(&storage), length);
}

// setsockopt(fd, level, name, value): value is an int (passed as a C int) or option bytes.
Napi::Value SetSockOpt(const Napi::CallbackInfo& info) {
  int fd = FdArg(info, 0);
  int level = IntArg(info, 1, "level");
  int name = IntArg(info, 2, "option name");
  int result;
  if (info.Length() > 3 && info[3].IsNumber()) {
    int value = info[3].As<Napi::Number>().Int32Value();
    result = setsockopt(fd, level, name, &value, sizeof(value));
  } else {
    auto [bytes, length] = OptionalBytes(info, 3);
    result = setsockopt(fd, level, name, bytes, static_cast<socklen_t>(length));
  }
  if (result < 0) throw SystemError(info.Env(), errno, "setsockopt");
  return info.Env().Undefined();
}

// getsockopt(fd, level, name, maxLength) -> option bytes
Napi::Value GetSockOpt(const Napi::CallbackInfo& info) {
  int fd = FdArg(info, 0);
  int level = IntArg(info, 1, "level");
  int name = IntArg(info, 2, "option name");
  int capacity = IntArg(info, 3, "length");
  if (capacity < 0 || capacity > 65536) throw Napi::RangeError::New(info.Env(), "bad option length");
  std::vector<uint8_t> value(static_cast<size_t>(capacity));
  socklen_t length = static_cast<socklen_t>(capacity);
  if (getsockopt(fd, level, name, value.data(), &length) < 0) {
    throw SystemError(info.Env(), errno, "getsockopt");
  }
  return Napi::Buffer<uint8_t>::Copy(info.Env(), value.data(), length);
}

// getsockoptInto(fd, level, name, buffer, length?) -> the length the kernel reported.
// `buffer` is the option value both ways: the caller writes the request into its first
// bytes, the kernel reads them and writes its answer over the buffer (as the IPVS
// IP_VS_SO_GET_* options do: service key and sizes in, entries out). optlen starts at
// `length` (default: the whole buffer), which such options check against the sizes the
// request names. Nothing is copied: a table's worth of entries lands in the caller's buffer.
Napi::Value GetSockOptInto(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  int fd = FdArg(info, 0);
  int level = IntArg(info, 1, "level");
  int name = IntArg(info, 2, "option name");
  if (info.Length() < 4 || !info[3].IsBuffer()) throw Napi::TypeError::New(env, "getsockoptInto(fd, level, name, buffer, length?)");
  auto buffer = info[3].As<Napi::Buffer<uint8_t>>();
  size_t capacity = buffer.Length();
  if (info.Length() > 4 && info[4].IsNumber()) {
    double wanted = info[4].As<Napi::Number>().DoubleValue();
    if (!(wanted >= 0) || wanted > static_cast<double>(capacity)) throw Napi::RangeError::New(env, "getsockoptInto: length beyond the buffer");
    capacity = static_cast<size_t>(wanted);
  }
  if (capacity > 0x7fffffff) throw Napi::RangeError::New(env, "getsockoptInto: buffer too large");
  socklen_t length = static_cast<socklen_t>(capacity);
  int result;
  do {
    result = getsockopt(fd, level, name, buffer.Data(), &length);
  } while (result < 0 && errno == EINTR);
  if (result < 0) throw SystemError(env, errno, "getsockopt");
  return Napi::Number::New(env, static_cast<double>(length));
}

// attachFilter(fd, program): program is a classic BPF program as 8-byte sock_filter
// records in host byte order. sock_fprog carries a pointer, so it is formed here.
Napi::Value AttachFilter(const Napi::CallbackInfo& info) {
  int fd = FdArg(info, 0);
  auto [bytes, length] = OptionalBytes(info, 1);
  if (length == 0 || length % sizeof(sock_filter) != 0 || length / sizeof(sock_filter) > BPF_MAXINSNS) {
    throw Napi::RangeError::New(info.Env(), "a BPF program is 1 to 4096 eight-byte instructions");
  }
  std::vector<sock_filter> program(length / sizeof(sock_filter));
  std::memcpy(program.data(), bytes, length);
  sock_fprog fprog;
  fprog.len = static_cast<unsigned short>(program.size());
  fprog.filter = program.data();
  if (setsockopt(fd, SOL_SOCKET, SO_ATTACH_FILTER, &fprog, sizeof(fprog)) < 0) {
    throw SystemError(info.Env(), errno, "setsockopt");
  }
  return info.Env().Undefined();
}

// sendmsg(fd, data: Buffer | Buffer[], name: Buffer|null, control: Buffer|null, flags) -> bytes sent.
// An array of buffers becomes one iovec each (one datagram); the caller batches netlink
// requests by concatenating them into one buffer.
Napi::Value SendMsg(const Napi::CallbackInfo& info) {
  int fd = FdArg(info, 0);
  std::vector<iovec> vectors;
  if (info.Length() > 1 && info[1].IsArray()) {
    auto parts = info[1].As<Napi::Array>();
    for (uint32_t i = 0; i < parts.Length(); i++) {
      Napi::Value part = parts[i];
      if (!part.IsBuffer()) throw Napi::TypeError::New(info.Env(), "data parts must be Buffers");
      auto buffer = part.As<Napi::Buffer<uint8_t>>();
      vectors.push_back({buffer.Data(), buffer.Length()});
    }
  } else {
    auto [bytes, length] = OptionalBytes(info, 1);
    vectors.push_back({bytes, length});
  }
  auto [name, nameLength] = OptionalBytes(info, 2);
  auto [control, controlLength] = OptionalBytes(info, 3);
  int flags = info.Length() > 4 && info[4].IsNumber() ? info[4].As<Napi::Number>().Int32Value() : 0;

  msghdr message{};
  message.msg_name = name;
  message.msg_namelen = static_cast<socklen_t>(nameLength);
  message.msg_iov = vectors.data();
  message.msg_iovlen = vectors.size();
  message.msg_control = control;
  message.msg_controllen = controlLength;
  ssize_t sent;
  do {
    sent = sendmsg(fd, &message, flags | MSG_NOSIGNAL);
  } while (sent < 0 && errno == EINTR);
  if (sent < 0) throw SystemError(info.Env(), errno, "sendmsg");
  return Napi::Number::New(info.Env(), static_cast<double>(sent));
}

// recvmsg(fd, maxMessages, bufferLength, controlLength, flags) -> [{data, name, control, flags}]
// Reads up to maxMessages datagrams that are ready now and returns them; an empty array
// means nothing was waiting (EAGAIN). Reading several per wake-up keeps busy sockets cheap.
// `flags` in each result carries MSG_TRUNC / MSG_CTRUNC so TypeScript can see truncation.
Napi::Value RecvMsg(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  int fd = FdArg(info, 0);
  int maxMessages = IntArg(info, 1, "maxMessages");
  int bufferLength = IntArg(info, 2, "bufferLength");
  int controlLength = IntArg(info, 3, "controlLength");
  int flags = info.Length() > 4 && info[4].IsNumber() ? info[4].As<Napi::Number>().Int32Value() : 0;
  if (maxMessages < 1 || bufferLength < 1 || bufferLength > (64 << 20) || controlLength < 0 ||
      controlLength > 65536) {
    throw Napi::RangeError::New(env, "bad recvmsg sizes");
  }

  std::vector<uint8_t> data(static_cast<size_t>(bufferLength));
  std::vector<uint8_t> control(static_cast<size_t>(controlLength));
  Napi::Array results = Napi::Array::New(env);
  for (int i = 0; i < maxMessages; i++) {
    sockaddr_storage name;
    iovec vector{data.data(), data.size()};
    msghdr message{};
    message.msg_name = &name;
    message.msg_namelen = sizeof(name);
    message.msg_iov = &vector;
    message.msg_iovlen = 1;
    message.msg_control = controlLength > 0 ? control.data() : nullptr;
    message.msg_controllen = static_cast<size_t>(controlLength);
    ssize_t received;
    do {
      received = recvmsg(fd, &message, flags | MSG_DONTWAIT);
    } while (received < 0 && errno == EINTR);
    if (received < 0) {
      if (errno == EAGAIN || errno == EWOULDBLOCK) break;
      // A netlink socket reports a lost message (ENOBUFS) here; hand back what was read
      // before it, if anything, and raise it on the next call.
      if (results.Length() > 0) break;
      throw SystemError(env, errno, "recvmsg");
    }
    size_t kept = std::min(static_cast<size_t>(received), data.size());
    Napi::Object entry = Napi::Object::New(env);
    entry.Set("data", Napi::Buffer<uint8_t>::Copy(env, data.data(), kept));
    entry.Set("name", Napi::Buffer<uint8_t>::Copy(env, reinterpret_cast<uint8_t*>(&name), message.msg_namelen));
    entry.Set("control", Napi::Buffer<uint8_t>::Copy(env, control.data(), message.msg_controllen));
    entry.Set("flags", Napi::Number::New(env, message.msg_flags));
    entry.Set("length", Napi::Number::New(env, static_cast<double>(received)));
    results.Set(results.Length(), entry);
    if (flags & MSG_PEEK) break;
  }
  return results;
}

// The datagrams ready now, with one recvmmsg (MSG_DONTWAIT, retried on EINTR): message i
// reads into slot i of `data` (slotSize bytes each) and, when its slot size is not 0, of
// `names` and of `control`. Up to 64 messages without touching the heap. Returns how many
// were read (0: nothing waited); raises the error otherwise. recvInto and recvMessages
// differ only in what they report of each message (`report`).
template <typename Report>
Napi::Value ReceiveBatch(Napi::Env env, int fd, size_t slots, uint8_t* data, size_t slotSize, uint8_t* names,
                         size_t nameSlot, uint8_t* control, size_t controlSlot, int flags, Report report) {
  constexpr size_t kStack = 64;
  mmsghdr stackMessages[kStack];
  iovec stackVectors[kStack];
  std::vector<mmsghdr> heapMessages;
  std::vector<iovec> heapVectors;
  mmsghdr* messages = stackMessages;
  iovec* vectors = stackVectors;
  if (slots > kStack) {
    heapMessages.resize(slots);
    heapVectors.resize(slots);
    messages = heapMessages.data();
    vectors = heapVectors.data();
  }
  for (size_t i = 0; i < slots; i++) {
    vectors[i].iov_base = data + i * slotSize;
    vectors[i].iov_len = slotSize;
    std::memset(&messages[i], 0, sizeof(mmsghdr));
    messages[i].msg_hdr.msg_iov = &vectors[i];
    messages[i].msg_hdr.msg_iovlen = 1;
    if (nameSlot > 0) {
      messages[i].msg_hdr.msg_name = names + i * nameSlot;
      messages[i].msg_hdr.msg_namelen = static_cast<socklen_t>(nameSlot);
    }
    if (controlSlot > 0) {
      messages[i].msg_hdr.msg_control = control + i * controlSlot;
      messages[i].msg_hdr.msg_controllen = controlSlot;
    }
  }
  int received;
  do {
    received = recvmmsg(fd, messages, static_cast<unsigned int>(slots), flags | MSG_DONTWAIT, nullptr);
  } while (received < 0 && errno == EINTR);
  if (received < 0) {
    if (errno == EAGAIN || errno == EWOULDBLOCK) return Napi::Number::New(env, 0);
    throw SystemError(env, errno, "recvmmsg");
  }
  for (int i = 0; i < received; i++) report(i, messages[i]);
  return Napi::Number::New(env, received);
}

// recvInto(fd, buffer, slotSize, meta, flags) -> count
// Reads the datagrams that are ready now, up to meta.length / 2 of them and as many as fit
// `buffer` in slots of slotSize bytes, with one recvmmsg call: the i-th goes to offset
// i * slotSize (cut at slotSize), meta[2i] gets its length and meta[2i+1] its msg_flags
// (MSG_TRUNC when it was cut). 0 means nothing was waiting. Nothing is allocated per
// datagram and a netlink dump's data and its DONE come in one call, for reading dumps of
// tens of thousands of replies. As with recvmsg, an error after some datagrams were read
// is raised by the next call.
Napi::Value RecvInto(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  int fd = FdArg(info, 0);
  if (info.Length() < 4 || !info[1].IsBuffer() || !info[3].IsTypedArray() ||
      info[3].As<Napi::TypedArray>().TypedArrayType() != napi_int32_array) {
    throw Napi::TypeError::New(env, "recvInto(fd, buffer, slotSize, Int32Array meta, flags?)");
  }
  auto buffer = info[1].As<Napi::Buffer<uint8_t>>();
  int slotSize = IntArg(info, 2, "slotSize");
  auto meta = info[3].As<Napi::Int32Array>();
  int flags = info.Length() > 4 && info[4].IsNumber() ? info[4].As<Napi::Number>().Int32Value() : 0;
  if (slotSize < 1) throw Napi::RangeError::New(env, "bad recvInto slot size");
  size_t slots = std::min(meta.ElementLength() / 2, buffer.Length() / static_cast<size_t>(slotSize));
  if (slots < 1) throw Napi::RangeError::New(env, "recvInto has no room for a datagram");
  return ReceiveBatch(env, fd, slots, buffer.Data(), static_cast<size_t>(slotSize), nullptr, 0, nullptr, 0, flags,
                      [&meta](int i, const mmsghdr& message) {
                        meta[2 * i] = static_cast<int32_t>(message.msg_len);
                        meta[2 * i + 1] = message.msg_hdr.msg_flags;
                      });
}

// recvMessages(fd, data, slotSize, names, nameSlot, control, controlSlot, meta, flags?) -> count
// Like recvInto, with each datagram's sender address and control messages too: one recvmmsg
// reads the datagrams ready now, up to meta.length / 4 of them and as many as fit `data` in
// slots of slotSize bytes, the i-th at i * slotSize, its socket address at i * nameSlot of
// `names` and its control messages at i * controlSlot of `control` (either may be null with
// a slot of 0). meta[4i..4i+3] get the bytes stored, msg_flags (MSG_TRUNC, MSG_CTRUNC),
// the address length and the control length. 0 means nothing was waiting. Nothing is
// allocated per datagram: a VRRP backup hearing 100 masters reads a burst in one call.
Napi::Value RecvMessages(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  int fd = FdArg(info, 0);
  if (info.Length() < 8 || !info[1].IsBuffer() || !info[7].IsTypedArray() ||
      info[7].As<Napi::TypedArray>().TypedArrayType() != napi_int32_array) {
    throw Napi::TypeError::New(env, "recvMessages(fd, data, slotSize, names, nameSlot, control, controlSlot, Int32Array meta, flags?)");
  }
  auto data = info[1].As<Napi::Buffer<uint8_t>>();
  int slotSize = IntArg(info, 2, "slotSize");
  auto [names, namesLength] = OptionalBytes(info, 3);
  int nameSlot = IntArg(info, 4, "nameSlot");
  auto [control, controlLength] = OptionalBytes(info, 5);
  int controlSlot = IntArg(info, 6, "controlSlot");
  auto meta = info[7].As<Napi::Int32Array>();
  int flags = info.Length() > 8 && info[8].IsNumber() ? info[8].As<Napi::Number>().Int32Value() : 0;
  if (slotSize < 1 || nameSlot < 0 || controlSlot < 0 || (names == nullptr && nameSlot != 0) ||
      (control == nullptr && controlSlot != 0)) {
    throw Napi::RangeError::New(env, "bad recvMessages slot sizes");
  }
  size_t slots = std::min(meta.ElementLength() / 4, data.Length() / static_cast<size_t>(slotSize));
  if (nameSlot > 0) slots = std::min(slots, namesLength / static_cast<size_t>(nameSlot));
  if (controlSlot > 0) slots = std::min(slots, controlLength / static_cast<size_t>(controlSlot));
  if (slots < 1) throw Napi::RangeError::New(env, "recvMessages has no room for a datagram");
  return ReceiveBatch(env, fd, slots, data.Data(), static_cast<size_t>(slotSize), names, static_cast<size_t>(nameSlot),
                      control, static_cast<size_t>(controlSlot), flags, [&meta, nameSlot, controlSlot](int i, const mmsghdr& message) {
                        meta[4 * i] = static_cast<int32_t>(message.msg_len);
                        meta[4 * i + 1] = message.msg_hdr.msg_flags;
                        meta[4 * i + 2] = nameSlot > 0 ? static_cast<int32_t>(message.msg_hdr.msg_namelen) : 0;
                        meta[4 * i + 3] = controlSlot > 0 ? static_cast<int32_t>(message.msg_hdr.msg_controllen) : 0;
                      });
}

Napi::Value Close(const Napi::CallbackInfo& info) {
  int fd = FdArg(info, 0);
  if (close(fd) < 0 && errno != EINTR) throw SystemError(info.Env(), errno, "close");
  return info.Env().Undefined();
}

// ifNameToIndex(name) -> index, 0 when there is no such interface in this namespace.
Napi::Value IfNameToIndex(const Napi::CallbackInfo& info) {
  if (info.Length() < 1 || !info[0].IsString()) throw Napi::TypeError::New(info.Env(), "name must be a string");
  std::string name = info[0].As<Napi::String>().Utf8Value();
  return Napi::Number::New(info.Env(), if_nametoindex(name.c_str()));
}

// Poller: libuv readiness for one descriptor. The callback gets (error, readable, writable);
// TypeScript then reads with recvmsg until EAGAIN. The handle keeps the event loop alive
// only while referenced, so a listening socket can be unref'd.
class Poller : public Napi::ObjectWrap<Poller> {
 public:
  static Napi::Function Define(Napi::Env env) {
    return DefineClass(env, "Poller",
                       {InstanceMethod("start", &Poller::Start), InstanceMethod("stop", &Poller::Stop),
                        InstanceMethod("ref", &Poller::Ref), InstanceMethod("unref", &Poller::Unref),
                        InstanceMethod("close", &Poller::Close)});
  }

  explicit Poller(const Napi::CallbackInfo& info) : Napi::ObjectWrap<Poller>(info) {
    Napi::Env env = info.Env();
    int fd = FdArg(info, 0);
    if (info.Length() < 2 || !info[1].IsFunction()) throw Napi::TypeError::New(env, "callback required");
    callback_ = Napi::Persistent(info[1].As<Napi::Function>());
    handle_ = new uv_poll_t;
    uv_loop_t* loop;
    napi_get_uv_event_loop(env, &loop);
    int status = uv_poll_init(loop, handle_, fd);
    if (status < 0) {
      delete handle_;
      handle_ = nullptr;
      throw SystemError(env, -status, "uv_poll_init");
    }
    handle_->data = this;
    env_ = env;
  }

  ~Poller() override { CloseHandle(); }

 private:
  static void OnEvent(uv_poll_t* handle, int status, int events) {
    auto* self = static_cast<Poller*>(handle->data);
    if (self == nullptr) return;
    Napi::Env env = self->env_;
    Napi::HandleScope scope(env);
    Napi::Value error = env.Null();
    if (status < 0) error = SystemError(env, -status, "uv_poll").Value();
    // MakeCallback gives the callback a proper async context (promises resolved in it run).
    self->callback_.MakeCallback(env.Global(), {error, Napi::Boolean::New(env, (events & UV_READABLE) != 0),
                                                Napi::Boolean::New(env, (events & UV_WRITABLE) != 0)});
  }

  Napi::Value Start(const Napi::CallbackInfo& info) {
    if (handle_ == nullptr) throw Napi::Error::New(info.Env(), "poller is closed");
    bool readable = info.Length() < 1 || info[0].ToBoolean();
    bool writable = info.Length() > 1 && info[1].ToBoolean();
    int events = (readable ? UV_READABLE : 0) | (writable ? UV_WRITABLE : 0);
    int status = uv_poll_start(handle_, events, OnEvent);
    if (status < 0) throw SystemError(info.Env(), -status, "uv_poll_start");
    return info.Env().Undefined();
  }

  Napi::Value Stop(const Napi::CallbackInfo& info) {
    if (handle_ != nullptr) uv_poll_stop(handle_);
    return info.Env().Undefined();
  }

  Napi::Value Ref(const Napi::CallbackInfo& info) {
    if (handle_ != nullptr) uv_ref(reinterpret_cast<uv_handle_t*>(handle_));
    return info.Env().Undefined();
  }

  Napi::Value Unref(const Napi::CallbackInfo& info) {
    if (handle_ != nullptr) uv_unref(reinterpret_cast<uv_handle_t*>(handle_));
    return info.Env().Undefined();
  }

  Napi::Value Close(const Napi::CallbackInfo& info) {
    CloseHandle();
    return info.Env().Undefined();
  }

  // Closing is asynchronous in libuv; the handle memory is freed in the close callback.
  void CloseHandle() {
    if (handle_ == nullptr) return;
    uv_poll_stop(handle_);
    handle_->data = nullptr;
    uv_close(reinterpret_cast<uv_handle_t*>(handle_),
             [](uv_handle_t* handle) { delete reinterpret_cast<uv_poll_t*>(handle); });
    handle_ = nullptr;
  }

  uv_poll_t* handle_ = nullptr;
  Napi::FunctionReference callback_;
  Napi::Env env_ = nullptr;
};

// The numbers TypeScript needs to speak to the kernel, taken from the system headers here
// rather than copied by hand.
Napi::Object Constants(Napi::Env env) {
  Napi::Object c = Napi::Object::New(env);
#define EXPORT_CONSTANT(name) c.Set(#name, Napi::Number::New(env, name))
  EXPORT_CONSTANT(AF_NETLINK);
  EXPORT_CONSTANT(AF_INET);
  EXPORT_CONSTANT(AF_INET6);
  EXPORT_CONSTANT(AF_PACKET);
  EXPORT_CONSTANT(AF_UNSPEC);
  EXPORT_CONSTANT(SOCK_RAW);
  EXPORT_CONSTANT(SOCK_DGRAM);
  EXPORT_CONSTANT(NETLINK_ROUTE);
  EXPORT_CONSTANT(NETLINK_GENERIC);
  EXPORT_CONSTANT(SOL_SOCKET);
  EXPORT_CONSTANT(SOL_NETLINK);
  EXPORT_CONSTANT(SOL_PACKET);
  EXPORT_CONSTANT(IPPROTO_IP);
  EXPORT_CONSTANT(IPPROTO_IPV6);
  EXPORT_CONSTANT(SO_RCVBUF);
  EXPORT_CONSTANT(SO_SNDBUF);
  EXPORT_CONSTANT(SO_RCVBUFFORCE);
  EXPORT_CONSTANT(SO_SNDBUFFORCE);
  EXPORT_CONSTANT(SO_BINDTODEVICE);
  EXPORT_CONSTANT(SO_REUSEADDR);
  EXPORT_CONSTANT(SO_TIMESTAMPNS);
  EXPORT_CONSTANT(SO_RXQ_OVFL);
  EXPORT_CONSTANT(SO_ATTACH_FILTER);
  EXPORT_CONSTANT(NETLINK_ADD_MEMBERSHIP);
  EXPORT_CONSTANT(NETLINK_DROP_MEMBERSHIP);
  EXPORT_CONSTANT(NETLINK_EXT_ACK);
  EXPORT_CONSTANT(NETLINK_GET_STRICT_CHK);
  EXPORT_CONSTANT(NETLINK_CAP_ACK);
  EXPORT_CONSTANT(IP_ADD_MEMBERSHIP);
  EXPORT_CONSTANT(IP_DROP_MEMBERSHIP);
  EXPORT_CONSTANT(IP_MULTICAST_IF);
  EXPORT_CONSTANT(IP_MULTICAST_LOOP);
  EXPORT_CONSTANT(IP_MULTICAST_TTL);
  EXPORT_CONSTANT(IP_TTL);
  EXPORT_CONSTANT(IP_TOS);
  EXPORT_CONSTANT(IP_PKTINFO);
  EXPORT_CONSTANT(IP_RECVTTL);
  EXPORT_CONSTANT(IP_HDRINCL);
  EXPORT_CONSTANT(IP_FREEBIND);
  EXPORT_CONSTANT(IPV6_JOIN_GROUP);
  EXPORT_CONSTANT(IPV6_LEAVE_GROUP);
  EXPORT_CONSTANT(IPV6_MULTICAST_IF);
  EXPORT_CONSTANT(IPV6_MULTICAST_LOOP);
  EXPORT_CONSTANT(IPV6_MULTICAST_HOPS);
  EXPORT_CONSTANT(IPV6_UNICAST_HOPS);
  EXPORT_CONSTANT(IPV6_RECVPKTINFO);
  EXPORT_CONSTANT(IPV6_PKTINFO);
  EXPORT_CONSTANT(IPV6_RECVHOPLIMIT);
  EXPORT_CONSTANT(IPV6_HOPLIMIT);
  EXPORT_CONSTANT(IPV6_TCLASS);
  EXPORT_CONSTANT(IPV6_CHECKSUM);
  EXPORT_CONSTANT(IPV6_V6ONLY);
  EXPORT_CONSTANT(PACKET_ADD_MEMBERSHIP);
  EXPORT_CONSTANT(PACKET_DROP_MEMBERSHIP);
  EXPORT_CONSTANT(PACKET_MR_PROMISC);
  EXPORT_CONSTANT(PACKET_MR_ALLMULTI);
  EXPORT_CONSTANT(PACKET_MR_MULTICAST);
  EXPORT_CONSTANT(PACKET_STATISTICS);
  EXPORT_CONSTANT(PACKET_AUXDATA);
  EXPORT_CONSTANT(PACKET_OUTGOING);
  EXPORT_CONSTANT(MSG_PEEK);
  EXPORT_CONSTANT(MSG_TRUNC);
  EXPORT_CONSTANT(MSG_CTRUNC);
  EXPORT_CONSTANT(MSG_DONTWAIT);
#undef EXPORT_CONSTANT
  // The sizes of the IPVS get-option structures (linux/ip_vs.h) in this ABI: TypeScript
  // lays the bytes out for 64-bit Linux and reads the old interface only when these agree.
  c.Set("SIZEOF_IP_VS_GET_SERVICES", Napi::Number::New(env, offsetof(ip_vs_get_services, entrytable)));
  c.Set("SIZEOF_IP_VS_SERVICE_ENTRY", Napi::Number::New(env, sizeof(ip_vs_service_entry)));
  c.Set("SIZEOF_IP_VS_GET_DESTS", Napi::Number::New(env, offsetof(ip_vs_get_dests, entrytable)));
  c.Set("SIZEOF_IP_VS_DEST_ENTRY", Napi::Number::New(env, sizeof(ip_vs_dest_entry)));
  return c;
}

// sleepPrecise(ms): blocks the calling thread for `ms` milliseconds (fractional) on the
// monotonic clock, waking within tens of microseconds: clock_nanosleep to an absolute time
// (a signal does not shorten or lengthen it) with the thread's timer slack at 1 ns for this
// sleep only (the default 50 us slack is for power, not for deadlines). libuv timers count
// whole milliseconds; this is for the last few before a deadline, instead of spinning.
Napi::Value SleepPrecise(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 1 || !info[0].IsNumber()) throw Napi::TypeError::New(env, "ms must be a number");
  double ms = info[0].As<Napi::Number>().DoubleValue();
  if (!(ms >= 0) || ms > 1000) throw Napi::RangeError::New(env, "sleepPrecise: ms must be 0..1000");
  timespec until{};
  if (clock_gettime(CLOCK_MONOTONIC, &until) != 0) throw SystemError(env, errno, "clock_gettime");
  long long ns = static_cast<long long>(until.tv_nsec) + static_cast<long long>(ms * 1e6);
  until.tv_sec += static_cast<time_t>(ns / 1000000000LL);
  until.tv_nsec = static_cast<long>(ns % 1000000000LL);
  int slack = prctl(PR_GET_TIMERSLACK, 0, 0, 0, 0);
  prctl(PR_SET_TIMERSLACK, 1UL, 0, 0, 0);
  int result;
  do {
    result = clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &until, nullptr);
  } while (result == EINTR);
  if (slack > 0) prctl(PR_SET_TIMERSLACK, static_cast<unsigned long>(slack), 0, 0, 0);
  if (result != 0) throw SystemError(env, result, "clock_nanosleep");
  return env.Undefined();
}

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  exports.Set("socket", Napi::Function::New(env, Socket, "socket"));
  exports.Set("bind", Napi::Function::New(env, Bind, "bind"));
  exports.Set("getsockname", Napi::Function::New(env, GetSockName, "getsockname"));
  exports.Set("setsockopt", Napi::Function::New(env, SetSockOpt, "setsockopt"));
  exports.Set("getsockopt", Napi::Function::New(env, GetSockOpt, "getsockopt"));
  exports.Set("getsockoptInto", Napi::Function::New(env, GetSockOptInto, "getsockoptInto"));
  exports.Set("attachFilter", Napi::Function::New(env, AttachFilter, "attachFilter"));
  exports.Set("sendmsg", Napi::Function::New(env, SendMsg, "sendmsg"));
  exports.Set("recvmsg", Napi::Function::New(env, RecvMsg, "recvmsg"));
  exports.Set("recvInto", Napi::Function::New(env, RecvInto, "recvInto"));
  exports.Set("recvMessages", Napi::Function::New(env, RecvMessages, "recvMessages"));
  exports.Set("close", Napi::Function::New(env, Close, "close"));
  exports.Set("ifNameToIndex", Napi::Function::New(env, IfNameToIndex, "ifNameToIndex"));
  exports.Set("sleepPrecise", Napi::Function::New(env, SleepPrecise, "sleepPrecise"));
  exports.Set("Poller", Poller::Define(env));
  exports.Set("constants", Constants(env));
  return exports;
}

}  // namespace

NODE_API_MODULE(vipctl_native, Init)
