using Meridian.Server.Auth;
using Microsoft.AspNetCore.Http;

namespace Meridian.Server.Http;

/// <summary>Plain-text error answers, as upstream sends them.</summary>
internal static class ErrorResults
{
    public static IResult Text(int status, string message) => Results.Text(message, "text/plain; charset=utf-8", statusCode: status);

    public static IResult FromToken(TokenException e) => Text(e.Malformed ? StatusCodes.Status400BadRequest : StatusCodes.Status401Unauthorized, e.Message);

    public static IResult AuthorizationRequired() => Text(StatusCodes.Status401Unauthorized, "Authorization required");

    public static IResult NoSuchDatabase(string name) => Text(StatusCodes.Status404NotFound, $"No such database '{name}'.");
}
