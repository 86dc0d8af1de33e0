namespace Dedup.Indexing;

/// <summary>Runs the synchronous path of code written once for both (an async method given <c>writeAsync: false</c> or <c>readAsync: false</c>).</summary>
internal static class SyncCompletion
{
    /// <summary>
    /// The result of a task that ran synchronously, so has completed: its exception, if any, is thrown as is. Should it
    /// not have (a stream that completes a write later), it is waited for through a <see cref="Task"/>, which is safe for
    /// any <see cref="ValueTask"/>.
    /// </summary>
    public static void Wait(ValueTask task)
    {
        if (task.IsCompleted)
        {
            task.GetAwaiter().GetResult();
            return;
        }

        task.AsTask().GetAwaiter().GetResult();
    }

    /// <summary>As <see cref="Wait(ValueTask)"/>, for a task with a result (a read: the stream is read synchronously).</summary>
    public static T Wait<T>(ValueTask<T> task) => task.IsCompleted ? task.GetAwaiter().GetResult() : task.AsTask().GetAwaiter().GetResult();
}
