namespace TheModel.Sync.Config.Compilation;

/// <summary>
/// The stable codes of the compiler's diagnostics. Operators search for them and tests assert them, so a code
/// never changes meaning; a new kind of mistake gets a new code.
/// </summary>
internal static class ErrorCodes
{
    public const string TopLevelKeyTwice = "TM0007";
    public const string UnknownKey = "TM0010";
    public const string MissingKey = "TM0011";
    public const string WrongShape = "TM0012";
    public const string BadVersion = "TM0013";
    public const string BadId = "TM0014";
    public const string DuplicateId = "TM0015";
    public const string IdClash = "TM0016";
    public const string UnknownTeam = "TM0020";
    public const string UnknownMember = "TM0021";
    public const string UnknownList = "TM0022";
    public const string UnknownCalendar = "TM0023";
    public const string UnknownQueue = "TM0024";
    public const string UnknownField = "TM0025";
    public const string UnknownStage = "TM0026";
    public const string UnknownTemplateName = "TM0027";
    public const string UnknownSegment = "TM0028";
    public const string UnknownValue = "TM0029";
    public const string BadDuration = "TM0030";
    public const string BadDate = "TM0031";
    public const string BadHours = "TM0032";
    public const string BadTimeZone = "TM0033";
    public const string BadRegex = "TM0034";
    public const string BadTimestamp = "TM0035";
    public const string BadNumber = "TM0036";
    public const string UnknownOperator = "TM0040";
    public const string OperandMismatch = "TM0041";
    public const string LeastLoadedWithoutCapacity = "TM0042";
    public const string ScoreReadTooEarly = "TM0043";
    public const string UnmappedStage = "TM0044";
    public const string BusinessHoursWithoutCalendar = "TM0045";
    public const string NotSettable = "TM0046";
    public const string BadAssign = "TM0047";
    public const string BadListSource = "TM0048";
    public const string OpportunityOutsideLostRule = "TM0049";
    public const string ShadowedStageMapping = "TM0050";
    public const string BadBenchmarkPair = "TM0060";
    public const string UnknownBenchmarkStage = "TM0061";
    public const string BenchmarkOutOfOrder = "TM0062";
    public const string BadPercentage = "TM0063";
    public const string DuplicateBenchmark = "TM0064";
    public const string BadTest = "TM0091";
}
