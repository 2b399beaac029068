/**
 * The pairwise judge prompt's text pieces (Gemma chat template + judge instruction +
 * conversation markers + verdict suffix). Only text: layout and truncation are in
 * judge-prompt.ts. Every piece is configurable; the fixed pieces always survive truncation.
 */

export interface JudgeTemplate {
  /** Opens the user turn of the chat template. */
  prefix: string;
  /** What the judge is asked to do. */
  instruction: string;
  /** Written between the instruction and the first turn. */
  conversationStart: string;
  /** Written before each turn's prompt, response A and response B. */
  userHeader: string;
  assistantAHeader: string;
  assistantBHeader: string;
  /** Closes the conversation. */
  conversationEnd: string;
  /** Closes the user turn and opens the model's: the last text before the model generates. */
  suffix: string;
}

export const DEFAULT_JUDGE_INSTRUCTION =
  'Please act as an impartial judge and evaluate the quality of the responses provided by two ' +
  'AI assistants to the user question displayed below. You should choose the assistant that ' +
  "follows the user's instructions and answers the user's question better. Your evaluation " +
  'should consider factors such as the helpfulness, relevance, accuracy, depth, creativity, and ' +
  'level of detail of their responses. When the conversation has several turns, judge the ' +
  'whole conversation. Avoid any position biases and ensure that the order in which the ' +
  'responses were presented does not influence your decision. Do not allow the length of the ' +
  'responses to influence your evaluation. Do not favor certain names of the assistants. Be as ' +
  'objective as possible. Output your final verdict by strictly following this format: "[[A]]" ' +
  'if assistant A is better, "[[B]]" if assistant B is better, and "[[C]]" for a tie.';

export const DEFAULT_JUDGE_TEMPLATE: JudgeTemplate = {
  prefix: '<bos><start_of_turn>user\n',
  instruction: DEFAULT_JUDGE_INSTRUCTION,
  conversationStart: '\n\n<|The Start of Conversation between a User and two Assistants|>',
  userHeader: '\n### User:\n',
  assistantAHeader: '\n\n### Assistant A:\n',
  assistantBHeader: '\n\n### Assistant B:\n',
  conversationEnd: '\n<|The End of Conversation between a User and two Assistants|>',
  suffix: '<end_of_turn>\n<start_of_turn>model\nMy final verdict is: [[',
};

/** The verdict tokens the model answers with, in label order (A wins, B wins, tie). */
export const VERDICT_TOKENS = ['A', 'B', 'C'] as const;
