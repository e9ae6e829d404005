using Meridian.Storage.Changesets;

namespace Meridian.Storage;

public sealed partial class Datastore
{
    private void ThrowIfFailed()
    {
    }

    private void AppendToLog(Changeset changeset)
    {
    }

    private void AfterPublish(Changeset changeset)
    {
    }

    private void DisposeDurability()
    {
    }
}
