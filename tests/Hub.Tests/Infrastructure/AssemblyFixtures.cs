using CrmAI.Hub.Tests.Storage;
using Xunit;

// One PostgreSQL server for the whole test run; each hub or test takes a fresh database in it.
[assembly: AssemblyFixture(typeof(PostgresServerFixture))]
