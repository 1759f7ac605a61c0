#include "sqlite.h"

#include <cstdio>
#include <sqlite3.h>
#include <utility>

namespace cepheid::sql {

namespace {

[[noreturn]] void fail(sqlite3* database, std::string_view doing)
{
    throw Error(std::string(doing) + ": " + (database ? sqlite3_errmsg(database) : "out of memory"));
}

} // namespace

Statement::Statement(sqlite3* database, std::string_view sql)
    : m_database(database)
{
    if (sqlite3_prepare_v2(database, sql.data(), static_cast<int>(sql.size()), &m_statement, nullptr) != SQLITE_OK)
        fail(database, "preparing SQL");
}

Statement::~Statement()
{
    sqlite3_finalize(m_statement);
}

Statement::Statement(Statement&& other) noexcept
    : m_database(other.m_database)
    , m_statement(other.m_statement)
{
    other.m_statement = nullptr;
}

Statement& Statement::operator=(Statement&& other) noexcept
{
    std::swap(m_database, other.m_database);
    std::swap(m_statement, other.m_statement);
    return *this;
}

Statement& Statement::bind(int index, std::int64_t value)
{
    if (sqlite3_bind_int64(m_statement, index, value) != SQLITE_OK)
        fail(m_database, "binding a value");
    return *this;
}

Statement& Statement::bind(int index, double value)
{
    if (sqlite3_bind_double(m_statement, index, value) != SQLITE_OK)
        fail(m_database, "binding a value");
    return *this;
}

Statement& Statement::bind(int index, std::string_view text)
{
    if (sqlite3_bind_text64(m_statement, index, text.data(), text.size(), SQLITE_TRANSIENT, SQLITE_UTF8) != SQLITE_OK)
        fail(m_database, "binding a value");
    return *this;
}

Statement& Statement::bindBlob(int index, std::span<const std::uint8_t> bytes)
{
    if (sqlite3_bind_blob64(m_statement, index, bytes.data(), bytes.size(), SQLITE_TRANSIENT) != SQLITE_OK)
        fail(m_database, "binding a value");
    return *this;
}

Statement& Statement::bindNull(int index)
{
    if (sqlite3_bind_null(m_statement, index) != SQLITE_OK)
        fail(m_database, "binding a value");
    return *this;
}

bool Statement::step()
{
    const int result = sqlite3_step(m_statement);
    if (result == SQLITE_ROW)
        return true;
    if (result == SQLITE_DONE)
        return false;
    fail(m_database, "running SQL");
}

void Statement::execute()
{
    while (step()) { }
    reset();
}

void Statement::reset()
{
    sqlite3_reset(m_statement);
    sqlite3_clear_bindings(m_statement);
}

std::int64_t Statement::integer(int column) const
{
    return sqlite3_column_int64(m_statement, column);
}
double Statement::real(int column) const
{
    return sqlite3_column_double(m_statement, column);
}

std::string_view Statement::text(int column) const
{
    const auto* data = reinterpret_cast<const char*>(sqlite3_column_text(m_statement, column));
    return data ? std::string_view(data, static_cast<std::size_t>(sqlite3_column_bytes(m_statement, column)))
                : std::string_view();
}

std::span<const std::uint8_t> Statement::blob(int column) const
{
    const auto* data = static_cast<const std::uint8_t*>(sqlite3_column_blob(m_statement, column));
    return data
        ? std::span<const std::uint8_t>(data, static_cast<std::size_t>(sqlite3_column_bytes(m_statement, column)))
        : std::span<const std::uint8_t>();
}

bool Statement::isNull(int column) const
{
    return sqlite3_column_type(m_statement, column) == SQLITE_NULL;
}

Database::Database(const std::string& path, bool readOnly, bool create, bool immutable)
{
    int flags = (readOnly ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE) | (create ? SQLITE_OPEN_CREATE : 0)
        | SQLITE_OPEN_NOMUTEX;
    std::string name = path;
    if (immutable) {
        // A URI: the path's %, ? and # escaped so they stay part of the name.
        name = "file:";
        for (const char c : path) {
            if (c == '%' || c == '?' || c == '#') {
                char escaped[4];
                std::snprintf(escaped, sizeof escaped, "%%%02X", static_cast<unsigned char>(c));
                name += escaped;
            } else {
                name.push_back(c);
            }
        }
        name += "?immutable=1";
        flags |= SQLITE_OPEN_URI;
    }
    const int result = sqlite3_open_v2(name.c_str(), &m_handle, flags, nullptr);
    if (result != SQLITE_OK) {
        const std::string message = m_handle ? sqlite3_errmsg(m_handle) : "out of memory";
        sqlite3_close(m_handle);
        m_handle = nullptr;
        throw Error(message);
    }
    sqlite3_extended_result_codes(m_handle, 1);
    // A case may come from someone else: no direct writes to the schema or to pages (defensive), no function or
    // virtual table the schema names runs with more than the schema's trust, and no trigger or view runs at all
    // (Cepheid creates neither; checkSchemaObjects refuses cases holding them, this is the second lock).
    for (const auto& [option, value] :
        { std::pair { SQLITE_DBCONFIG_DEFENSIVE, 1 }, std::pair { SQLITE_DBCONFIG_TRUSTED_SCHEMA, 0 },
            std::pair { SQLITE_DBCONFIG_ENABLE_TRIGGER, 0 }, std::pair { SQLITE_DBCONFIG_ENABLE_VIEW, 0 } })
        sqlite3_db_config(m_handle, option, value, static_cast<int*>(nullptr));
}

Database::~Database()
{
    sqlite3_close(m_handle);
}

void Database::execute(std::string_view sql)
{
    char* message = nullptr;
    if (sqlite3_exec(m_handle, std::string(sql).c_str(), nullptr, nullptr, &message) != SQLITE_OK) {
        const std::string text = message ? message : sqlite3_errmsg(m_handle);
        sqlite3_free(message);
        throw Error(text);
    }
}

std::int64_t Database::lastInsertId() const
{
    return sqlite3_last_insert_rowid(m_handle);
}

std::int64_t Database::pragmaInteger(std::string_view pragma)
{
    Statement statement(m_handle, "PRAGMA " + std::string(pragma));
    return statement.step() ? statement.integer(0) : 0;
}

BlobReader::BlobReader(Database& database, std::string table, std::string column)
    : m_database(database.handle())
    , m_table(std::move(table))
    , m_column(std::move(column))
{ }

BlobReader::~BlobReader()
{
    sqlite3_blob_close(m_blob);
}

std::size_t BlobReader::open(std::int64_t rowid)
{
    // Moving an open handle to another row is cheaper than opening a new one; a failed move leaves the handle
    // unusable, so it is closed.
    const int code = m_blob
        ? sqlite3_blob_reopen(m_blob, rowid)
        : sqlite3_blob_open(m_database, "main", m_table.c_str(), m_column.c_str(), rowid, 0, &m_blob);
    if (code != SQLITE_OK) {
        const std::string message = sqlite3_errmsg(m_database);
        sqlite3_blob_close(m_blob);
        m_blob = nullptr;
        throw Error(m_table + "." + m_column + " of row " + std::to_string(rowid) + " cannot be read: " + message);
    }
    return static_cast<std::size_t>(sqlite3_blob_bytes(m_blob));
}

void BlobReader::read(std::span<std::uint8_t> into)
{
    if (!m_blob || into.size() != static_cast<std::size_t>(sqlite3_blob_bytes(m_blob)))
        throw std::logic_error("BlobReader::read: no value opened, or a buffer of another size");
    if (into.empty())
        return;
    if (const int code = sqlite3_blob_read(m_blob, into.data(), static_cast<int>(into.size()), 0); code != SQLITE_OK)
        throw Error(m_table + "." + m_column + " cannot be read: " + sqlite3_errstr(code));
}

Transaction::Transaction(Database& database, Lock lock)
    : m_database(database)
{
    m_database.execute(lock == Lock::Exclusive ? "BEGIN EXCLUSIVE"
            : lock == Lock::Immediate          ? "BEGIN IMMEDIATE"
                                               : "BEGIN DEFERRED");
}

bool Transaction::active(const Database& database)
{
    return sqlite3_get_autocommit(database.handle()) == 0;
}

Transaction::~Transaction()
{
    if (m_open) {
        try {
            m_database.execute("ROLLBACK");
        } catch (const Error&) {
            // Nothing more to do: SQLite has already rolled back a failed transaction.
        }
    }
}

void Transaction::commit()
{
    m_database.execute("COMMIT");
    m_open = false;
}

} // namespace cepheid::sql
