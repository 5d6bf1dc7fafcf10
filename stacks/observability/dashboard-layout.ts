import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';

/** The lines a reader compares a metric with (a budget, a limit, an alarm's threshold): red on every dashboard. */
export const THRESHOLD_COLOR = cloudwatch.Color.RED;
/** A graph's size: two a row, a dashboard being 24 units wide. */
export const GRAPH_WIDTH = 12;
export const GRAPH_HEIGHT = 6;

/** Widgets laid out two a row. */
export function twoPerRow(widgets: readonly cloudwatch.IWidget[]): cloudwatch.IWidget[][] {
  const rows: cloudwatch.IWidget[][] = [];
  for (let i = 0; i < widgets.length; i += 2) rows.push(widgets.slice(i, i + 2));
  return rows;
}
