namespace Podway.Api.Selectors;

/// <summary>The operators of k8s.io/apimachinery/pkg/selection.</summary>
internal enum LabelOperator { Equals, DoubleEquals, NotEquals, In, NotIn, Exists, DoesNotExist, GreaterThan, LessThan }
