#include "clickhouseclient.h"

#include <array>
#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <charconv>
#include <limits>
#include <openssl/evp.h>
#include <optional>
#include <random>
#include <simdjson.h>

namespace cepheid {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
namespace ssl = net::ssl;
using tcp = net::ip::tcp;

namespace {

constexpr std::size_t kErrorBodyLimit = 64 * 1024; // an error's text; more is cut
constexpr auto kPollInterval = std::chrono::milliseconds(100); // how often cancel is looked at
// A response's header: progress lines (one a second) for a query of hours stay well under it.
constexpr std::size_t kHeaderLimit = 4 * 1024 * 1024;

std::string base64(std::string_view text)
{
    std::string out(4 * ((text.size() + 2) / 3) + 1, '\0');
    const int written = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
        reinterpret_cast<const unsigned char*>(text.data()), static_cast<int>(text.size()));
    out.resize(static_cast<std::size_t>(std::max(written, 0)));
    return out;
}

std::string urlEncode(std::string_view text)
{
    static constexpr char kHex[] = "0123456789ABCDEF";
    std::string out;
    out.reserve(text.size() * 3);
    for (const char c : text) {
        const auto byte = static_cast<unsigned char>(c);
        if ((byte >= 'a' && byte <= 'z') || (byte >= 'A' && byte <= 'Z') || (byte >= '0' && byte <= '9') || c == '-'
            || c == '_' || c == '.' || c == '~') {
            out.push_back(c);
        } else {
            out.push_back('%');
            out.push_back(kHex[byte >> 4]);
            out.push_back(kHex[byte & 15]);
        }
    }
    return out;
}

std::string newQueryId()
{
    std::random_device random;
    std::uniform_int_distribution<std::uint64_t> any;
    const std::uint64_t value = any(random);
    std::array<char, 17> hex {};
    const auto written = std::to_chars(hex.data(), hex.data() + 16, value, 16);
    return "cepheid-" + std::string(hex.data(), written.ptr);
}

// Runs one connection's asynchronous operations a step at a time on this thread, so that a deadline or a cancel
// from another thread can close the connection between steps: Beast's synchronous calls cannot be interrupted.
class Session
{
public:
    Session(const ClickHouseEndpoint& endpoint, const std::atomic<bool>* cancel)
        : m_endpoint(endpoint)
        , m_cancel(cancel)
    { }

    // Why the last step failed, as the message's end: "Connection refused", "timed out after 10 s", ...
    std::string problem;
    bool cancelled = false;

    bool connect()
    {
        // Every step has its deadline: a name server that does not answer, an address that does not, a handshake
        // that stalls. Each address of the name gets the whole connect timeout.
        m_stepName = "resolving " + m_endpoint.host;
        setDeadline(m_endpoint.connectTimeout);
        tcp::resolver resolver(m_io);
        tcp::resolver::results_type addresses;
        beast::error_code error = step([&](auto done) {
            resolver.async_resolve(m_endpoint.host, m_endpoint.port,
                [&addresses, done](const beast::error_code& resolved, tcp::resolver::results_type results) mutable {
                    addresses = std::move(results);
                    done(resolved);
                });
        });
        if (error || addresses.empty())
            return fail("cannot resolve " + m_endpoint.host, error);
        if (m_endpoint.tls) {
            // Made only for https: a query over plain HTTP never touches OpenSSL's TLS state.
            m_tlsContext.emplace(ssl::context::tls_client);
            m_tlsContext->set_default_verify_paths(error);
            if (!m_endpoint.caFile.empty())
                m_tlsContext->load_verify_file(m_endpoint.caFile, error);
            if (error)
                return fail("cannot read the certificates to trust (" + m_endpoint.caFile + ")", error);
            m_tlsContext->set_verify_mode(ssl::verify_peer);
            m_tls.emplace(m_io, *m_tlsContext);
            m_tls->set_verify_callback(ssl::host_name_verification(m_endpoint.host));
            // Server Name Indication: a server behind a proxy that hosts several names needs it.
            if (!SSL_set_tlsext_host_name(m_tls->native_handle(), m_endpoint.host.c_str())) {
                problem = "cannot set the TLS server name " + m_endpoint.host;
                return false;
            }
        } else {
            m_plain.emplace(m_io);
        }
        m_stepName = "connecting";
        for (auto address = addresses.begin(); address != addresses.end() && !cancelled; ++address) {
            if (address != addresses.begin()) {
                beast::error_code ignored;
                socket().close(ignored);
                problem.clear(); // the last address's failure is the one said
            }
            setDeadline(m_endpoint.connectTimeout);
            error = step([&](auto done) { socket().async_connect(*address, done); });
            if (!error)
                break;
        }
        if (error)
            return fail("cannot connect to " + m_endpoint.host + ":" + m_endpoint.port, error);
        if (m_tls) {
            m_stepName = "TLS";
            setDeadline(m_endpoint.connectTimeout);
            error = step([&](auto done) { m_tls->async_handshake(ssl::stream_base::client, done); });
            if (error)
                return fail("TLS with " + m_endpoint.host + ":" + m_endpoint.port + " failed", error);
        }
        setDeadline(m_endpoint.queryTimeout);
        return true;
    }

    // Sends the request and reads the response: the body goes to onData a buffer at a time when the status is 200,
    // else into `errorBody`. Returns the HTTP status, 0 on failure (problem says why).
    unsigned exchange(http::request<http::string_body>& request, const std::function<bool(std::string_view)>& onData,
        const std::function<void(std::uint64_t)>& onProgress,
        const std::function<void(const ClickHouseServerProgress&)>& onServerProgress, std::string& errorBody)
    {
        m_stepName = "sending the query";
        beast::error_code error = m_tls ? step([&](auto done) { http::async_write(*m_tls, request, done); })
                                        : step([&](auto done) { http::async_write(*m_plain, request, done); });
        if (error)
            return fail("sending the query", error);
        m_stepName = "waiting for the answer";
        if (onServerProgress && !readHeaderWithProgress(onServerProgress))
            return 0;
        http::response_parser<http::buffer_body> parser;
        parser.header_limit(kHeaderLimit);
        // The caller bounds what it keeps. Not boost::none: Boost 1.81's parser compares a Content-Length with the
        // empty optional as "over the limit" and refuses every answer that has one (a proxy's, a stand-in's).
        parser.body_limit(std::numeric_limits<std::uint64_t>::max());
        error = m_tls ? step([&](auto done) { http::async_read_header(*m_tls, m_buffer, parser, done); })
                      : step([&](auto done) { http::async_read_header(*m_plain, m_buffer, parser, done); });
        if (error)
            return fail("reading the answer", error);
        // Once a progress header has gone out the status is 200 whatever happens next; a server that fails later
        // says so in X-ClickHouse-Exception-Code and sends its error as the body. That body is an error, not rows.
        const bool failedLate = parser.get().find("X-ClickHouse-Exception-Code") != parser.get().end();
        const unsigned status = failedLate && parser.get().result_int() == 200 ? 500 : parser.get().result_int();
        m_stepName = "reading the answer";
        std::array<char, 64 * 1024> chunk {};
        std::uint64_t received = 0;
        while (!parser.is_done()) {
            parser.get().body().data = chunk.data();
            parser.get().body().size = chunk.size();
            error = m_tls ? step([&](auto done) { http::async_read(*m_tls, m_buffer, parser, done); })
                          : step([&](auto done) { http::async_read(*m_plain, m_buffer, parser, done); });
            if (error == http::error::need_buffer)
                error = {};
            if (error)
                return fail("reading the answer", error);
            const std::size_t got = chunk.size() - parser.get().body().size;
            received += got;
            if (status != 200) {
                errorBody.append(
                    chunk.data(), std::min(got, kErrorBodyLimit - std::min(kErrorBodyLimit, errorBody.size())));
                continue;
            }
            if (got > 0 && onData && !onData(std::string_view(chunk.data(), got))) {
                problem = "the answer was refused";
                return 0;
            }
            if (onProgress)
                onProgress(received);
        }
        return status;
    }

    // Reads until the response's header is whole, reporting each X-ClickHouse-Progress line as it arrives: the
    // server sends them while it works, before the first byte of the body, and Beast's parser sees a header only once
    // it is whole. The bytes stay in the buffer for the parser.
    bool readHeaderWithProgress(const std::function<void(const ClickHouseServerProgress&)>& onServerProgress)
    {
        std::size_t scanned = 0;
        for (;;) {
            const std::string_view seen(static_cast<const char*>(m_buffer.data().data()), m_buffer.size());
            for (std::size_t end = seen.find("\r\n", scanned); end != std::string_view::npos;
                 end = seen.find("\r\n", scanned)) {
                const std::string_view line = seen.substr(scanned, end - scanned);
                if (line.empty() && scanned > 0)
                    return true; // the blank line that ends the header
                constexpr std::string_view kName = "x-clickhouse-progress:";
                if (line.size() > kName.size()
                    && beast::iequals(
                        beast::string_view(line.data(), kName.size()), beast::string_view(kName.data(), kName.size())))
                    if (const auto progress = parseClickHouseProgress(line.substr(kName.size())))
                        onServerProgress(*progress);
                scanned = end + 2;
            }
            if (m_buffer.size() > kHeaderLimit) {
                problem = "reading the answer: its header is over " + std::to_string(kHeaderLimit / 1024) + " KiB";
                return false;
            }
            std::size_t got = 0;
            const auto readSome = [&](auto& stream) {
                return step([&](auto done) {
                    stream.async_read_some(m_buffer.prepare(16 * 1024),
                        [&got, done](const beast::error_code& error, std::size_t size) mutable {
                            got = size;
                            done(error);
                        });
                });
            };
            const beast::error_code error = m_tls ? readSome(*m_tls) : readSome(*m_plain);
            m_buffer.commit(got);
            if (error)
                return fail("reading the answer", error) != 0;
        }
    }

    void close()
    {
        beast::error_code ignored;
        if (m_plain || m_tls)
            socket().close(ignored);
    }

private:
    tcp::socket& socket() { return m_tls ? beast::get_lowest_layer(*m_tls).socket() : m_plain->socket(); }

    static std::string describe(const beast::error_code& error)
    {
        return error.message(); // Asio's TLS errors carry OpenSSL's reason ("certificate verify failed")
    }

    void setDeadline(std::chrono::milliseconds length)
    {
        m_deadline = std::chrono::steady_clock::now() + length;
        m_deadlineLength = length;
    }

    // What failed, and why: the step's own reason when a deadline or a cancel closed it ("connecting timed out after
    // 10 s"), else the error's. Returns 0 (false).
    unsigned fail(const std::string& what, const beast::error_code& error)
    {
        if (!cancelled)
            problem = what + ": " + (problem.empty() ? describe(error) : problem);
        return 0;
    }

    // Starts one operation and runs the context until it completes, closing the connection when the deadline passes
    // or cancel is set (the operation then completes with an error, which `problem` explains).
    template<class Start> beast::error_code step(Start&& start)
    {
        bool done = false;
        beast::error_code result;
        start([&](const beast::error_code& error, auto&&...) {
            result = error;
            done = true;
        });
        m_io.restart();
        bool closed = false;
        while (!done) {
            m_io.run_one_for(kPollInterval);
            if (done || closed)
                continue;
            if (m_cancel && m_cancel->load(std::memory_order_relaxed)) {
                cancelled = true;
                problem = "cancelled";
            } else if (std::chrono::steady_clock::now() >= m_deadline) {
                const auto limit = m_deadlineLength;
                problem = m_stepName + " timed out after "
                    + std::to_string(std::chrono::duration_cast<std::chrono::seconds>(limit).count()) + " s";
            } else {
                continue;
            }
            close();
            closed = true;
        }
        return result;
    }

    const ClickHouseEndpoint& m_endpoint;
    const std::atomic<bool>* m_cancel;
    net::io_context m_io;
    std::optional<ssl::context> m_tlsContext;
    std::optional<beast::tcp_stream> m_plain;
    std::optional<beast::ssl_stream<beast::tcp_stream>> m_tls;
    beast::flat_buffer m_buffer;
    std::chrono::steady_clock::time_point m_deadline;
    std::chrono::milliseconds m_deadlineLength {}; // what a timeout message says
    std::string m_stepName;
};

} // namespace

Expected<ClickHouseEndpoint> ClickHouseEndpoint::parse(std::string_view url)
{
    ClickHouseEndpoint endpoint;
    // User information runs to the last '@' (a typed password may hold '/', '@' or ':'), so the database after it can
    // hold no '@'. Messages quote the URL, but never what follows a ':' in the user information.
    std::string_view rest = url;
    const std::size_t schemeEnd = rest.find("://");
    const std::size_t userStart = schemeEnd == std::string_view::npos ? 0 : schemeEnd + 3;
    const std::size_t at = rest.rfind('@');
    const bool hasUser = at != std::string_view::npos && at >= userStart;
    std::string shown(url);
    if (hasUser) {
        if (const std::size_t colon = shown.find(':', userStart); colon < at)
            shown.replace(colon + 1, at - colon - 1, "…");
    }
    const auto refuse = [&](const std::string& why) { return failure("ClickHouse URL '" + shown + "': " + why); };
    if (rest.starts_with("http://")) {
        endpoint.port = "8123";
    } else if (rest.starts_with("https://")) {
        endpoint.tls = true;
        endpoint.port = "8443";
    } else {
        return refuse("expected http://host[:port][/database] or https://…");
    }
    if (hasUser) {
        const std::string_view user = rest.substr(userStart, at - userStart);
        if (user.find(':') != std::string_view::npos)
            return refuse(std::string("a password does not belong in the URL; set ") + kClickHousePasswordVariable);
        if (user.empty())
            return refuse("the user before '@' is empty");
        if (user.find_first_of("/?#") != std::string_view::npos)
            return refuse("the user '" + std::string(user) + "' is not a plain name");
        endpoint.user = std::string(user);
    }
    rest.remove_prefix(hasUser ? at + 1 : userStart);
    const std::size_t slash = rest.find('/');
    std::string_view authority = rest.substr(0, slash);
    if (slash != std::string_view::npos) {
        std::string_view database = rest.substr(slash + 1);
        if (!database.empty() && database.back() == '/')
            database.remove_suffix(1);
        if (database.find_first_of("/?#@:`'\"\\ ") != std::string_view::npos)
            return refuse("the database name '" + std::string(database) + "' is not a plain name");
        if (!database.empty())
            endpoint.database = std::string(database);
    }
    std::string_view host = authority;
    if (host.starts_with('[')) { // [::1]:8123
        const std::size_t close = host.find(']');
        if (close == std::string_view::npos)
            return refuse("an IPv6 address needs its closing ']'");
        if (close + 1 < host.size()) {
            if (host[close + 1] != ':')
                return refuse("expected ':' and a port after the IPv6 address");
            endpoint.port = std::string(host.substr(close + 2));
        }
        host = host.substr(1, close - 1);
    } else if (const std::size_t colon = host.rfind(':'); colon != std::string_view::npos) {
        endpoint.port = std::string(host.substr(colon + 1));
        host = host.substr(0, colon);
    }
    if (host.empty())
        return refuse("no host");
    unsigned port = 0;
    const auto parsed = std::from_chars(endpoint.port.data(), endpoint.port.data() + endpoint.port.size(), port);
    if (parsed.ec != std::errc {} || parsed.ptr != endpoint.port.data() + endpoint.port.size() || port == 0
        || port > 65535)
        return refuse("the port '" + endpoint.port + "' is not a number from 1 to 65535");
    endpoint.host = std::string(host);
    return endpoint;
}

std::string ClickHouseEndpoint::display() const
{
    const bool ipv6 = host.find(':') != std::string::npos;
    return std::string(tls ? "https://" : "http://") + user + "@" + (ipv6 ? "[" + host + "]" : host) + ":" + port + "/"
        + database;
}

ClickHouseClient::ClickHouseClient(ClickHouseEndpoint endpoint)
    : m_endpoint(std::move(endpoint))
{ }

Expected<std::string> ClickHouseClient::execute(const Query& query) const
{
    const std::string queryId = query.queryId.empty() ? newQueryId() : query.queryId;
    std::string target = "/?database=" + urlEncode(m_endpoint.database) + "&query_id=" + urlEncode(queryId)
        + "&max_execution_time="
        + std::to_string(std::max<std::int64_t>(
            1, std::chrono::duration_cast<std::chrono::seconds>(m_endpoint.queryTimeout).count()));
    for (const auto& [name, value] : query.settings)
        target += "&" + urlEncode(name) + "=" + urlEncode(value);
    if (query.onServerProgress)
        target += "&send_progress_in_http_headers=1&http_headers_progress_interval_ms=1000";
    if (!query.data.empty())
        target += "&query=" + urlEncode(query.sql);

    http::request<http::string_body> request { http::verb::post, target, 11 };
    request.set(http::field::host, m_endpoint.host);
    request.set(http::field::user_agent, "cepheid");
    request.set(http::field::authorization, "Basic " + base64(m_endpoint.user + ":" + m_endpoint.password));
    request.set(http::field::connection, "close");
    request.body() = query.data.empty() ? query.sql : query.data;
    request.prepare_payload();

    const std::string where = "ClickHouse at " + m_endpoint.display();
    Session session(m_endpoint, query.cancel);
    std::string body, errorBody;
    const auto collect = [&body](std::string_view bytes) {
        body.append(bytes);
        return true;
    };
    unsigned status = 0;
    if (session.connect())
        status = session.exchange(
            request, query.onData ? query.onData : collect, query.onProgress, query.onServerProgress, errorBody);
    session.close();
    if (session.cancelled) {
        // Closing the connection does not stop a query that is already running; KILL QUERY does.
        ClickHouseEndpoint quick = m_endpoint;
        quick.queryTimeout = std::chrono::seconds(5);
        quick.connectTimeout = std::chrono::seconds(5);
        (void)ClickHouseClient(quick).executeSql("KILL QUERY WHERE query_id = " + clickHouseString(queryId));
        return failure(where + ": the query was cancelled");
    }
    if (status == 0)
        return failure(where + ": " + session.problem);
    if (status != 200) {
        const std::string text = clickHouseErrorText(errorBody);
        return failure(
            where + " refused the query: " + (text.empty() ? "HTTP status " + std::to_string(status) : text));
    }
    return body;
}

std::optional<ClickHouseServerProgress> parseClickHouseProgress(std::string_view value)
{
    // The numbers are JSON strings (64-bit counts do not fit a double); a value that is not a flat object of them is
    // no progress.
    simdjson::dom::parser parser;
    simdjson::dom::object object;
    if (parser.parse(simdjson::padded_string(value)).get(object))
        return std::nullopt;
    ClickHouseServerProgress progress;
    bool any = false;
    for (const auto field : object) {
        std::uint64_t* into = field.key == "read_rows" ? &progress.readRows
            : field.key == "read_bytes"                ? &progress.readBytes
            : field.key == "total_rows_to_read"        ? &progress.totalRowsToRead
                                                       : nullptr;
        std::string_view text;
        if (!into || field.value.get(text))
            continue;
        const auto parsed = std::from_chars(text.data(), text.data() + text.size(), *into);
        if (parsed.ec != std::errc {} || parsed.ptr != text.data() + text.size())
            return std::nullopt;
        any = true;
    }
    if (!any)
        return std::nullopt;
    return progress;
}

std::string clickHouseString(std::string_view text)
{
    std::string out = "'";
    for (const char c : text) {
        switch (c) {
        case '\\':
            out += "\\\\";
            break;
        case '\'':
            out += "\\'";
            break;
        case '\n':
            out += "\\n";
            break;
        case '\r':
            out += "\\r";
            break;
        case '\t':
            out += "\\t";
            break;
        case '\0':
            out += "\\0";
            break;
        default:
            out.push_back(c);
        }
    }
    out.push_back('\'');
    return out;
}

Expected<std::string> clickHouseIdentifier(std::string_view name)
{
    // A backslash escapes inside backquotes: refused with the backquote, so a name can never end its quoting.
    if (name.empty() || name.find_first_of(std::string_view("`\\\n\r\0", 5)) != std::string_view::npos)
        return failure("'" + std::string(name) + "' is not a usable ClickHouse name");
    return "`" + std::string(name) + "`";
}

std::string clickHouseErrorText(std::string_view body)
{
    // "Code: 60, e.displayText() = DB::Exception: Table default.t doesn't exist., e.what() = DB::Exception\n" (18.x)
    // or "Code: 60. DB::Exception: Table default.t doesn't exist. (UNKNOWN_TABLE) (version 23.3)" (newer).
    std::string_view text = body;
    while (!text.empty() && (text.back() == '\n' || text.back() == '\r' || text.back() == ' '))
        text.remove_suffix(1);
    std::string code;
    if (text.starts_with("Code: ")) {
        const std::size_t end = text.find_first_not_of("0123456789", 6);
        code = std::string(text.substr(6, end == std::string_view::npos ? text.size() - 6 : end - 6));
    }
    if (const std::size_t exception = text.find("DB::Exception: "); exception != std::string_view::npos)
        text = text.substr(exception + 15);
    if (const std::size_t what = text.find(", e.what() = "); what != std::string_view::npos)
        text = text.substr(0, what);
    if (const std::size_t stack = text.find("\n"); stack != std::string_view::npos)
        text = text.substr(0, stack);
    std::string sentence(text);
    while (!sentence.empty() && sentence.back() == '.')
        sentence.pop_back();
    if (!code.empty())
        sentence += " (code " + code + ")";
    return sentence;
}

} // namespace cepheid
