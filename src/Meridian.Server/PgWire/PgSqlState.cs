namespace Meridian.Server.PgWire;

/// <summary>The SQLSTATE codes the server sends (PostgreSQL's Appendix A).</summary>
internal static class PgSqlState
{
    public const string ProtocolViolation = "08P01";
    public const string FeatureNotSupported = "0A000";
    public const string InvalidAuthorizationSpecification = "28000";
    public const string InvalidPassword = "28P01";
    public const string InvalidCatalogName = "3D000";
    public const string SyntaxError = "42601";
    public const string SyntaxErrorOrAccessRuleViolation = "42000";
    public const string InsufficientPrivilege = "42501";
    public const string UniqueViolation = "23505";
    public const string DuplicatePreparedStatement = "42P05";
    public const string InvalidSqlStatementName = "26000";
    public const string InvalidCursorName = "34000";
    public const string ProgramLimitExceeded = "54000";
    public const string ConfigurationLimitExceeded = "53400";
    public const string AdminShutdown = "57P01";
    public const string IoError = "58030";
    public const string InternalError = "XX000";
}
