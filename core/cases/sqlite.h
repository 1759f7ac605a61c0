#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>

struct sqlite3;
struct sqlite3_stmt;
struct sqlite3_blob;

namespace cepheid::sql {

// Every SQLite failure becomes this, with SQLite's own message and what Cepheid was doing.
class Error : public std::runtime_error
{
public:
    using std::runtime_error::runtime_error;
};

// One prepared statement. Parameters are bound by position (1-based); only parameterised SQL reaches SQLite.
class Statement
{
public:
    Statement(sqlite3* database, std::string_view sql);
    ~Statement();
    Statement(Statement&&) noexcept;
    Statement& operator=(Statement&&) noexcept;
    Statement(const Statement&) = delete;
    Statement& operator=(const Statement&) = delete;

    Statement& bind(int index, std::int64_t value);
    Statement& bind(int index, double value);
    Statement& bind(int index, std::string_view text);
    Statement& bindBlob(int index, std::span<const std::uint8_t> bytes);
    Statement& bindNull(int index);
    // Returns true while a row is available; false when done. Throws on error.
    bool step();
    // Runs a statement that returns no rows, then resets it for reuse.
    void execute();
    void reset();

    std::int64_t integer(int column) const;
    double real(int column) const;
    std::string_view text(int column) const;
    std::span<const std::uint8_t> blob(int column) const;
    bool isNull(int column) const;

private:
    sqlite3* m_database = nullptr;
    sqlite3_stmt* m_statement = nullptr;
};

// An open database connection (RAII). WAL mode and a busy timeout are set by the case layer.
class Database
{
public:
    // Opens path; readOnly opens without write access; create allows creating a new file. immutable (read-only
    // media): SQLite neither locks nor looks for a journal, which it could not create there.
    Database(const std::string& path, bool readOnly, bool create, bool immutable = false);
    ~Database();
    Database(const Database&) = delete;
    Database& operator=(const Database&) = delete;

    void execute(std::string_view sql); // for fixed SQL without parameters (DDL, PRAGMA)
    Statement prepare(std::string_view sql) { return Statement(m_handle, sql); }
    std::int64_t lastInsertId() const;
    std::int64_t pragmaInteger(std::string_view pragma);
    sqlite3* handle() const { return m_handle; }

private:
    sqlite3* m_handle = nullptr;
};

// Reads a BLOB column row by row, each value straight into the caller's buffer (sqlite3_blob_read). Read through a
// statement, a value longer than a page is first gathered by SQLite into a buffer of its own, to be copied again.
class BlobReader
{
public:
    BlobReader(Database& database, std::string table, std::string column);
    ~BlobReader();
    BlobReader(const BlobReader&) = delete;
    BlobReader& operator=(const BlobReader&) = delete;

    // Opens the value of the row with this rowid and returns its size in bytes; throws if the row is gone or its value
    // is not a BLOB.
    std::size_t open(std::int64_t rowid);
    // Reads the opened value whole into `into`, which must hold exactly its size.
    void read(std::span<std::uint8_t> into);

private:
    sqlite3* m_database = nullptr;
    sqlite3_blob* m_blob = nullptr;
    std::string m_table, m_column;
};

// BEGIN IMMEDIATE … COMMIT, rolled back if not committed (an exception, a cancel).
class Transaction
{
public:
    // Immediate takes the write lock and lets readers on (WAL); Exclusive keeps them out too, so that under a
    // rollback journal a reader can never make the commit wait (ImportJournal).
    // Read (BEGIN DEFERRED, never committed): the statements inside read one snapshot of the case, whatever another
    // connection commits meanwhile.
    enum class Lock { Immediate, Exclusive, Read };
    explicit Transaction(Database& database, Lock lock = Lock::Immediate);
    ~Transaction();
    void commit();
    // True when `database` is inside a transaction already (SQLite does not nest them).
    static bool active(const Database& database);

private:
    Database& m_database;
    bool m_open = true;
};

} // namespace cepheid::sql
