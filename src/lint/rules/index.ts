// Every lint rule, one file each (generated list; keep sorted).
import type { Rule } from '../types.js';
import advertIntNotInteger from './advert-int-not-integer.js';
import ahWithMaster from './ah-with-master.js';
import authIgnored from './auth-ignored.js';
import blockMissingRequired from './block-missing-required.js';
import byteOrderMark from './byte-order-mark.js';
import checkerWithoutTarget from './checker-without-target.js';
import commentInValue from './comment-in-value.js';
import deprecatedKeyword from './deprecated-keyword.js';
import duplicateRealServer from './duplicate-real-server.js';
import duplicateVip from './duplicate-vip.js';
import duplicateVirtualServer from './duplicate-virtual-server.js';
import emptyBlock from './empty-block.js';
import extraArguments from './extra-arguments.js';
import duplicateVrid from './duplicate-vrid.js';
import fwmarkProtocol from './fwmark-protocol.js';
import generatorSyntax from './generator-syntax.js';
import httpCheckWithoutUrl from './http-check-without-url.js';
import includeError from './include-error.js';
import invalidAddress from './invalid-address.js';
import invalidNumber from './invalid-number.js';
import invalidValue from './invalid-value.js';
import lineTooLong from './line-too-long.js';
import misplacedKeyword from './misplaced-keyword.js';
import miscCheckWithoutPath from './misc-check-without-path.js';
import missingArgument from './missing-argument.js';
import missingBrace from './missing-brace.js';
import missingInterface from './missing-interface.js';
import missingVrid from './missing-vrid.js';
import mixedAddressFamilies from './mixed-address-families.js';
import noVirtualIp from './no-virtual-ip.js';
import nopreemptWithMaster from './nopreempt-with-master.js';
import optionWithoutEffect from './option-without-effect.js';
import outOfRange from './out-of-range.js';
import plaintextAuthReadable from './plaintext-auth-readable.js';
import priority255NotMaster from './priority-255-not-master.js';
import repeatedKeyword from './repeated-keyword.js';
import removedKeyword from './removed-keyword.js';
import routeDeprecatedSyntax from './route-deprecated-syntax.js';
import routeSyntax from './route-syntax.js';
import routeWithoutInterface from './route-without-interface.js';
import rsPortMismatch from './rs-port-mismatch.js';
import ruleWithoutPreference from './rule-without-preference.js';
import scriptNotFound from './script-not-found.js';
import scriptNotAbsolute from './script-not-absolute.js';
import scriptSecurity from './script-security.js';
import scriptShellSyntax from './script-shell-syntax.js';
import scriptUserMissing from './script-user-missing.js';
import syncGroupTooSmall from './sync-group-too-small.js';
import syncGroupUnknownInstance from './sync-group-unknown-instance.js';
import unbalancedBraces from './unbalanced-braces.js';
import undefinedTrackFile from './undefined-track-file.js';
import undefinedTrackScript from './undefined-track-script.js';
import unexpectedBrace from './unexpected-brace.js';
import unknownVsGroup from './unknown-vs-group.js';
import unknownKeyword from './unknown-keyword.js';
import unrenderedTemplate from './unrendered-template.js';
import unterminatedQuote from './unterminated-quote.js';
import unusedVrrpScript from './unused-vrrp-script.js';
import valueTooLong from './value-too-long.js';
import vrrpRunUnsupported from './vrrp-run-unsupported.js';
import vrrpScriptWithoutScript from './vrrp-script-without-script.js';
import vsGroupMixedFamilies from './vs-group-mixed-families.js';
import vsMissingMethod from './vs-missing-method.js';
import vsMissingProtocol from './vs-missing-protocol.js';
import vsMissingScheduler from './vs-missing-scheduler.js';
import vsNoRealServers from './vs-no-real-servers.js';

export const RULES: Rule[] = [
  advertIntNotInteger,
  ahWithMaster,
  authIgnored,
  blockMissingRequired,
  byteOrderMark,
  checkerWithoutTarget,
  commentInValue,
  deprecatedKeyword,
  duplicateRealServer,
  duplicateVip,
  duplicateVirtualServer,
  duplicateVrid,
  emptyBlock,
  extraArguments,
  fwmarkProtocol,
  generatorSyntax,
  httpCheckWithoutUrl,
  includeError,
  invalidAddress,
  invalidNumber,
  invalidValue,
  lineTooLong,
  misplacedKeyword,
  miscCheckWithoutPath,
  missingArgument,
  missingBrace,
  missingInterface,
  missingVrid,
  mixedAddressFamilies,
  noVirtualIp,
  nopreemptWithMaster,
  optionWithoutEffect,
  outOfRange,
  plaintextAuthReadable,
  priority255NotMaster,
  removedKeyword,
  repeatedKeyword,
  routeDeprecatedSyntax,
  routeSyntax,
  routeWithoutInterface,
  rsPortMismatch,
  ruleWithoutPreference,
  scriptNotAbsolute,
  scriptNotFound,
  scriptSecurity,
  scriptShellSyntax,
  scriptUserMissing,
  syncGroupTooSmall,
  syncGroupUnknownInstance,
  unbalancedBraces,
  undefinedTrackFile,
  undefinedTrackScript,
  unexpectedBrace,
  unknownKeyword,
  unknownVsGroup,
  unrenderedTemplate,
  unterminatedQuote,
  unusedVrrpScript,
  valueTooLong,
  vrrpRunUnsupported,
  vrrpScriptWithoutScript,
  vsGroupMixedFamilies,
  vsMissingMethod,
  vsMissingProtocol,
  vsMissingScheduler,
  vsNoRealServers,
];
